"""The demo discussions: what delegations write to each other (used by forum.demo.boards).

Each thread: category slug, title, tags as the author typed them, days ago it started, and its
posts as (author, language, Markdown body[, hours after the previous post]).
"""

from __future__ import annotations

THREADS = [
    # ---------------------------------------------------------------- case-recording systems
    {
        "category": "case-recording-systems",
        "title": "¿Cómo registra cada país sus casos de protección consular?",
        "tags": ["registro consular", "gestion de casos", "buenas practicas"],
        "days_ago": 52, "pinned": True,
        "posts": [
            ("mx", "es", """Colegas, abrimos este hilo para que cada delegación describa brevemente cómo registra hoy sus casos de protección consular, antes de pensar en cualquier plataforma regional.

En México usamos el **Sistema Integral de Protección Consular (SIPC)**, una aplicación web interna a la que acceden los 53 consulados en Estados Unidos y las representaciones en el resto del mundo. Cada caso tiene:

1. datos de la persona (con consentimiento informado);
2. tipo de caso según un catálogo de 48 categorías (detención, trabajo, salud, menores, defunciones…);
3. acciones realizadas, con fecha y responsable;
4. estado (abierto, en seguimiento, cerrado) y motivo de cierre.

¿Cómo lo hacen ustedes? Sería útil saber si usan un sistema propio, una hoja de cálculo o expedientes en papel."""),
            ("gt", "es", """Gracias, Lucía. En Guatemala la Dirección de Asistencia y Protección al Migrante trabaja con un sistema propio desde 2019, pero los consulados móviles todavía llenan un **formulario en papel** que luego se digitaliza en la sede consular.

El principal problema es la duplicidad: una misma persona puede aparecer tres veces con nombres escritos de forma distinta. Estamos probando el número de DPI como identificador único cuando la persona lo tiene.""", 20),
            ("us", "en", """For context from the U.S. side: our consular officers abroad record American citizen services cases in a case-management system tied to the passport database, so identity matching is rarely the issue. What we struggle with is **closing cases consistently** — officers close them with very different levels of detail.

We introduced mandatory closing codes last year (resolved, referred, client declined assistance, lost contact). Happy to share the list if it helps."""),
            ("ca", "fr", """Au Canada, les cas consulaires sont consignés dans un système de gestion des cas commun à toutes les missions, avec un centre de surveillance et d'intervention d'urgence à Ottawa qui peut reprendre un dossier 24 h sur 24.

Je rejoins la remarque de Jennifer : les **codes de clôture** sont essentiels. Nous en avons une douzaine, et nous mesurons le délai entre l'ouverture et la clôture pour chaque type de cas."""),
            ("sv", "es", """En El Salvador registramos los casos en el Sistema de Atención al Migrante, compartido con la Dirección de Atención al Migrante retornado. La ventaja es que cuando una persona es retornada ya tenemos su historial consular; la desventaja es que el sistema no funciona bien sin conexión, y varios consulados en zonas rurales de EE. UU. trabajan con conectividad limitada."""),
            ("iom", "en", """Thank you all — this is exactly the baseline the Conference asked for. I will compile the answers into a comparative table (tool, identifier, catalogue of case types, closing codes, offline capacity) and post it in this category before the next virtual meeting. Delegations that have not yet replied are very welcome to add their description here."""),
        ],
    },
    {
        "category": "case-recording-systems",
        "title": "Minimum indicators for recording consular information",
        "tags": ["indicators", "minimum data set", "estadisticas"],
        "days_ago": 40,
        "posts": [
            ("iom", "en", """Following the last plenary, the delegations agreed to discuss a **minimum set of indicators** that every country could produce from its own system, without changing it. A first proposal to react to:

| # | Indicator | Disaggregation |
|---|-----------|----------------|
| 1 | Cases opened in the period | type of case, sex, age group |
| 2 | Cases closed and median time to close | type of case |
| 3 | Children and adolescents assisted | accompanied / unaccompanied |
| 4 | Nationals in detention visited | country of detention |
| 5 | Deaths abroad and repatriations of remains | cause category |

Is this feasible with what you record today? What is missing?"""),
            ("cr", "es", """Desde Costa Rica podemos producir los indicadores 1, 3 y 5 sin problema. El 2 es más difícil: no registramos la fecha de cierre de forma sistemática, solo el estado. Y el 4 depende de que el consulado anote la visita como una acción separada, cosa que no siempre ocurre.

Propondría añadir un indicador sobre **personas víctimas de trata** identificadas, con la salvedad de proteger mucho esos datos."""),
            ("hn", "es", """Honduras coincide con Costa Rica. Nosotros agregaríamos la desagregación por **departamento de origen** en el indicador 1: para nuestras autoridades es clave saber de dónde salen las personas que luego necesitan asistencia.

Sobre el grupo de edad, sugerimos rangos comunes para todos (0-11, 12-17, 18-29, 30-59, 60+), porque hoy cada país usa los suyos y no se pueden comparar."""),
            ("us", "en", """The common age bands suggested by Honduras make sense to us. One caution on indicator 5: "cause category" needs a shared definition list, otherwise we will be comparing apples and oranges. We could start from the categories used in the IOM Missing Migrants Project."""),
            ("ca", "fr", """Nous appuyons la proposition. Pour l'indicateur 2, je suggère de parler de **délai médian** plutôt que moyen, car quelques cas très longs (détentions prolongées, successions) faussent complètement la moyenne.

Par ailleurs, il faudrait préciser si un cas transféré à une autre mission compte comme clos ou non."""),
            ("iom", "en", """Very useful. Summary of changes so far: common age bands (HN), department/province of origin (HN), trafficking victims as a protected indicator (CR), median rather than mean time (CA), shared cause list based on the Missing Migrants Project (US), and a rule for transferred cases (CA). I will circulate version 2 of the table next week."""),
        ],
        "edits": [(1, """Following the last plenary, the delegations agreed to discuss a **minimum set of indicators** that every country could produce from its own system, without changing it. A first proposal to react to:

| # | Indicator | Disaggregation |
|---|-----------|----------------|
| 1 | Cases opened in the period | type of case, sex, age group |
| 2 | Cases closed and median time to close | type of case |
| 3 | Children and adolescents assisted | accompanied / unaccompanied, sex |
| 4 | Nationals in immigration detention visited | country of detention |
| 5 | Deaths abroad and repatriations of remains | cause category |

Is this feasible with what you record today? What is missing? Please answer by the end of the month.""", "iom")],
    },
    {
        "category": "case-recording-systems",
        "title": "Identificador único de la persona: ¿documento, huella o clave interna?",
        "tags": ["registro consular", "documentos de identidad", "proteccion de datos"],
        "days_ago": 33,
        "posts": [
            ("gt", "es", """Retomo lo que mencioné en el hilo general: la duplicidad de registros es nuestro principal problema de calidad. ¿Qué usan ustedes como identificador único de la persona?

- ¿Número de documento nacional?
- ¿Número de pasaporte (que cambia con cada renovación)?
- ¿Una clave interna generada por el sistema?

Nos interesa especialmente cómo manejan a quienes **no tienen ningún documento**, que son muchos de los casos más urgentes."""),
            ("mx", "es", """Nosotros generamos una clave interna y guardamos además la CURP cuando existe. Para personas sin documentos registramos nombre, fecha y lugar de nacimiento, y nombres de los padres; el sistema sugiere posibles duplicados con una búsqueda aproximada (tolera acentos y errores de escritura), pero la decisión de fusionar la toma siempre una persona."""),
            ("do", "es", """En República Dominicana usamos la cédula como identificador principal. Para los menores de edad, que no tienen cédula, usamos el número del acta de nacimiento, con el problema de que muchas veces la familia no la tiene a mano en el momento de la atención."""),
            ("pa", "es", """Panamá recomienda no usar datos biométricos para esto, salvo que exista un marco legal claro. La huella es muy eficaz para evitar duplicados, pero el riesgo para la persona si esa base se filtra o se comparte es enorme, sobre todo para solicitantes de refugio."""),
            ("gt", "es", """Muy útil, gracias. Nos inclinamos por la solución mexicana: clave interna + documento cuando existe + sugerencia de duplicados revisada por una persona. Les cuento en unos meses cómo nos fue."""),
        ],
    },
    {
        "category": "case-recording-systems",
        "title": "Recording detention visits: what fields do you use?",
        "tags": ["immigration detention", "case management", "asylum and refugees"],
        "days_ago": 27,
        "posts": [
            ("bz", "en", """Belize is redesigning the form our officers use when visiting nationals in detention abroad (mostly in Mexico and the United States). Today it is a free-text note, which makes it impossible to follow up or to report.

Could colleagues share the fields they record for a **detention visit**? We are thinking of: date, facility, reason for detention, access to a lawyer, health condition, contact with family, requests made by the person, and next visit date."""),
            ("mx", "es", """Nuestro formulario de visita a centros de detención incluye lo que mencionas y además:

- si la persona fue informada de su derecho a la **notificación consular** y en qué fecha se nos notificó;
- condiciones del lugar (hacinamiento, alimentación, acceso a llamadas);
- si hay **menores de edad** detenidos o separados de su familia;
- si la persona manifiesta temor de volver a su país.

El último punto es importante para derivar correctamente a ACNUR o al procedimiento de asilo."""),
            ("us", "en", """Agree with Lucía's list. We also record whether the visit was **in person or remote**, since video visits became common and the quality of information is not the same."""),
            ("bz", "en", """Thank you both, this is very helpful. We will add consular notification date, conditions, presence of minors, fear of return and visit mode. I'll share our draft form in the training category once it is approved."""),
        ],
    },
    {
        "category": "case-recording-systems",
        "title": "Sistemas sin conexión para consulados móviles",
        "tags": ["consulados moviles", "registro consular", "interoperabilidad"],
        "days_ago": 19,
        "posts": [
            ("sv", "es", """Los consulados móviles de El Salvador atienden jornadas en lugares sin internet estable. Hoy trabajan con hojas de cálculo en laptops y luego alguien copia los datos al sistema central, con muchos errores.

¿Alguien tiene experiencia con aplicaciones que funcionen **sin conexión** y sincronicen después?"""),
            ("hn", "es", """Honduras probó un formulario sin conexión en tabletas durante 2023, con sincronización al volver a la sede. Funcionó bien para el registro básico, pero tuvimos que resolver dos cosas: el cifrado del dispositivo (por si se pierde) y qué hacer cuando dos personas editan el mismo caso antes de sincronizar."""),
            ("cr", "es", """Sobre los conflictos de edición: nosotros decidimos que en la jornada móvil solo se **crean** casos nuevos o se añaden acciones, nunca se modifica lo existente. Simplifica muchísimo la sincronización."""),
            ("iom", "en", """IOM can share the specifications of the offline data-collection tool used in the displacement tracking matrix, which solves encryption at rest and deferred synchronization. It is open source; we can organize a short technical session if there is interest."""),
            ("sv", "es", """¡Sí, nos interesa mucho! Propongo que la sesión se anuncie en la categoría de capacitación para que se sumen también los equipos técnicos."""),
        ],
    },
    {
        "category": "case-recording-systems",
        "title": "Consentement et protection des données personnelles dans les dossiers consulaires",
        "tags": ["protection des donnees", "registre consulaire", "asile et réfugiés"],
        "days_ago": 11,
        "posts": [
            ("ca", "fr", """Avant d'aller plus loin dans l'idée d'un échange régional d'informations, il me semble indispensable de comparer nos cadres de **protection des données**.

Au Canada, le dossier consulaire ne peut être communiqué à un autre État qu'avec le consentement de la personne, sauf danger imminent pour sa vie. Comment cela fonctionne-t-il chez vous ? Recueillez-vous un consentement écrit au moment de l'ouverture du dossier ?"""),
            ("mx", "es", """En México el consentimiento se registra en el sistema al abrir el caso (casilla obligatoria) y se explica verbalmente. Para compartir información con otro Estado necesitamos un consentimiento específico, distinto del general."""),
            ("pa", "es", """Panamá está en la misma línea. Añadiría que para solicitantes de refugio la regla debería ser **no compartir nunca** con el país de origen, aunque la persona consienta, salvo que lo pida expresamente por escrito."""),
            ("us", "en", """The Privacy Act governs what we can share. A practical point: whatever regional mechanism we design, it should exchange **aggregated indicators** by default and individual data only case by case, with consent logged in both systems."""),
            ("ca", "fr", """Merci, il semble se dégager un consensus : indicateurs agrégés par défaut, données individuelles au cas par cas avec consentement spécifique, et jamais vers le pays d'origine pour les demandeurs d'asile. Je propose que les facilitateurs reprennent ces trois principes dans la note de synthèse."""),
        ],
    },
    # ---------------------------------------------------------------- migrant children
    {
        "category": "migrant-children",
        "title": "Protocolo de atención consular a niñas, niños y adolescentes no acompañados",
        "tags": ["ninez migrante", "nna no acompañados", "interes superior", "victimas de violencia", "retornos"],
        "days_ago": 48, "pinned": True,
        "posts": [
            ("hn", "es", """Compartimos los pasos del protocolo hondureño cuando un consulado es notificado de un niño, niña o adolescente no acompañado:

1. **Entrevista en las primeras 24 horas**, con personal capacitado y en un espacio adecuado.
2. Verificación de identidad y contacto con la familia en Honduras.
3. Evaluación del interés superior, con participación de la DINAF.
4. Coordinación del retorno seguro o de la reunificación en el país de destino.

La parte más difícil es la evaluación del riesgo en la comunidad de origen: ¿cómo la hacen ustedes?"""),
            ("gt", "es", """En Guatemala la evaluación la hace la Procuraduría General de la Nación, pero el consulado aporta la entrevista inicial. Hemos aprendido que la entrevista debe registrar **con las palabras del niño** por qué salió; los resúmenes del funcionario suelen perder información clave."""),
            ("unicef", "es", """Desde UNICEF recordamos que el retorno no es la única solución: la evaluación del interés superior puede concluir que lo mejor es permanecer en el país de destino con un familiar. Tenemos una guía regional sobre determinación del interés superior que podemos adaptar a la práctica consular; la compartiremos en este hilo."""),
            ("obs", "es", """Desde la red de organizaciones civiles queremos aportar que muchas adolescentes no acompañadas no revelan situaciones de violencia sexual en la primera entrevista. Recomendamos prever **una segunda entrevista** con una persona del mismo sexo antes de decidir el retorno."""),
            ("sv", "es", """Coincidimos con la observación de la red. En El Salvador incorporamos la segunda entrevista en 2022 y el número de casos de violencia identificados aumentó de forma significativa."""),
            ("mx", "es", """Sumamos un dato práctico: los consulados mexicanos en la frontera registran la **hora exacta** de la notificación y de la primera entrevista, para medir el cumplimiento del plazo de 24 horas. Es un indicador sencillo que podría entrar en la lista mínima."""),
        ],
    },
    {
        "category": "migrant-children",
        "title": "Family reunification: verifying relatives without delaying the child",
        "tags": ["family reunification", "unaccompanied minors", "best interests of the child"],
        "days_ago": 36,
        "posts": [
            ("us", "en", """A recurring question from our side: when a consulate is asked to confirm the identity or suitability of a relative in the U.S. who will receive a child, what checks do you perform, and how long do they take?

Long verification keeps children in shelters; quick verification has, in a few cases, placed children with people who exploited them."""),
            ("mx", "es", """Los consulados mexicanos verifican documento de identidad, parentesco (acta de nacimiento) y domicilio, y hacen una entrevista con la persona adulta. En promedio tarda **cinco días hábiles**. Cuando hay dudas, pedimos apoyo a la autoridad de protección de la niñez en México para entrevistar a la familia en el lugar de origen."""),
            ("ca", "fr", """Au Canada, les vérifications relèvent des services provinciaux de protection de l'enfance, mais le consulat du pays d'origine apporte souvent les documents d'état civil. La coopération fonctionne bien quand un **point focal unique** est désigné dans chaque consulat."""),
            ("unicef", "en", """The point about a single focal person is key. UNICEF suggests a shared checklist for relative verification (identity, relationship, home visit, criminal record where lawful, child's own wishes). We can circulate a draft so that delegations compare it with their practice."""),
        ],
    },
    {
        "category": "migrant-children",
        "title": "Espacios amigables para la niñez en los consulados",
        "tags": ["niñez migrante", "buenas prácticas", "apoyo psicosocial"],
        "days_ago": 24,
        "posts": [
            ("cr", "es", """Costa Rica habilitó en dos consulados un pequeño espacio amigable para niñas y niños: una sala con materiales de juego, información adaptada a su edad y personal capacitado en primeros auxilios psicológicos.

El costo fue bajo y la diferencia en la calidad de las entrevistas, notable. ¿Otros países tienen experiencias similares?"""),
            ("do", "es", """En República Dominicana lo hicimos en el consulado de Nueva York con apoyo de una organización local. Un aprendizaje: el espacio debe estar **lejos de la fila de trámites**, porque el ruido y la espera ponen nerviosos a los niños."""),
            ("obs", "es", """Las organizaciones de la red ofrecemos acompañar la adaptación de materiales a la edad de los niños y a las lenguas indígenas. Muchos niños guatemaltecos, por ejemplo, hablan mam o k'iche' mejor que español."""),
            ("gt", "es", """Gracias por la oferta. Justamente estamos traduciendo la hoja informativa al mam y al k'iche'; podríamos compartirla con toda la región cuando esté lista."""),
        ],
    },
    {
        "category": "migrant-children",
        "title": "Adolescents travelling alone through Panama: coordination at the Darién",
        "tags": ["migrant children", "unaccompanied minors", "regional cooperation"],
        "days_ago": 15,
        "posts": [
            ("pa", "es", """Panamá registra un aumento de adolescentes no acompañados que cruzan la selva del Darién, muchos de ellos de nacionalidades extrarregionales. Las estaciones de recepción migratoria tienen muy poco tiempo para identificarlos antes de que continúen su camino.

Pedimos a las delegaciones de la región que nos indiquen un **punto de contacto 24/7** para notificar casos de sus nacionales."""),
            ("unicef", "en", """UNICEF supports the request and can help maintain the contact list. We suggest that the notification include the minimum data agreed in the indicators thread (age band, sex, accompanied/unaccompanied) plus any immediate protection need."""),
            ("hn", "es", """Honduras enviará hoy mismo su punto de contacto por mensaje privado a la delegación de Panamá. Sugerimos que la lista se actualice cada trimestre, porque las rotaciones de personal son frecuentes."""),
            ("ni", "es", """Nicaragua también comparte su punto de contacto. Consultamos si el formato de notificación puede ser un formulario común en lugar de correos electrónicos, para poder registrarlo directamente en nuestro sistema."""),
            ("obs", "es", """Desde la sociedad civil pedimos que la notificación incluya siempre si el adolescente expresó temor de regresar, para que no se le trate solo como un caso de retorno."""),
        ],
    },
    {
        "category": "migrant-children",
        "title": "Capacitación de personal consular en entrevistas a niñez",
        "tags": ["capacitacion", "niñez migrante", "interes superior de la niñez"],
        "days_ago": 6,
        "posts": [
            ("sv", "es", """¿Qué duración y contenido tienen sus cursos de entrevista a niñas, niños y adolescentes para el personal consular? En El Salvador tenemos un curso de 16 horas, pero el personal rota cada dos años y cuesta mantener a todos capacitados."""),
            ("unicef", "es", """UNICEF puede ofrecer un módulo virtual autoadministrado de 6 horas como base común, que cada país complemente con su marco legal. Lo pondremos a disposición en la categoría de capacitación."""),
            ("mx", "es", """Excelente. Nosotros añadimos prácticas con casos simulados, que son lo que más valoran los cónsules. Podemos compartir cinco casos anonimizados para que formen parte del módulo regional."""),
        ],
    },
    # ---------------------------------------------------------------- migrant workers
    {
        "category": "migrant-workers",
        "title": "Fraude en el reclutamiento de trabajadores temporales: señales de alerta",
        "tags": ["reclutamiento fraudulento", "trabajo temporal", "visas de trabajo"],
        "days_ago": 45, "pinned": True,
        "posts": [
            ("gt", "es", """En los últimos meses hemos atendido decenas de casos de personas que **pagaron por una visa de trabajo** temporal que nunca existió. El patrón se repite:

- ofertas en grupos de Facebook o WhatsApp con logotipos oficiales copiados;
- cobro de "trámite" de 3 000 a 8 000 quetzales;
- entrevistas falsas por videollamada;
- desaparición del reclutador una vez hecho el pago.

Proponemos armar una lista regional de señales de alerta para difundir en nuestras redes."""),
            ("mx", "es", """Vemos exactamente lo mismo en México. Agregaríamos a la lista: **ningún programa legal de visas H-2 cobra al trabajador** por el reclutamiento; si alguien pide dinero por adelantado, es fraude. Ese mensaje simple es el que más ha funcionado en nuestras campañas."""),
            ("us", "en", """Confirming from the U.S. side: under H-2A and H-2B rules, employers and their agents may not charge workers recruitment fees, and we can revoke certifications when they do. We would welcome the regional list; the Department of Labor can check employer names reported by consulates."""),
            ("hn", "es", """Honduras se suma. Un reto es que las víctimas tienen vergüenza de denunciar porque muchas veces se endeudaron con la familia. En nuestros consulados tratamos de registrar el caso aunque la persona no quiera poner una denuncia formal, para al menos conocer la magnitud."""),
            ("iom", "en", """IOM's fair-recruitment programme (IRIS) can contribute a draft of the warning-signs list in the three languages. We suggest the list be published in the public technology category so that civil-society partners can reuse it."""),
            ("gt", "es", """Perfecto, esperamos el borrador de la OIM. Lo revisaremos en este hilo antes de publicarlo."""),
        ],
    },
    {
        "category": "migrant-workers",
        "title": "Seasonal agricultural workers in Canada: consular support during the season",
        "tags": ["temporary workers", "labour rights", "good practices"],
        "days_ago": 38,
        "posts": [
            ("ca", "fr", """Plusieurs pays de la région envoient des travailleurs agricoles saisonniers au Canada. Nous aimerions savoir comment vos consulats assurent le suivi **pendant la saison** : visites des exploitations, permanences téléphoniques, agents de liaison ?

De notre côté, les inspections relèvent d'Emploi et Développement social Canada, mais le rôle des consulats est souvent décisif pour que les travailleurs osent signaler un problème."""),
            ("mx", "es", """México tiene personal de enlace del programa de trabajadores agrícolas temporales en los consulados de Toronto, Montreal, Vancouver y Leamington. Visitan las granjas y atienden una línea telefónica en español. Lo más frecuente: problemas de vivienda, horas extras no pagadas y accidentes de trabajo."""),
            ("gt", "es", """Guatemala tiene menos personal, así que trabajamos con organizaciones de apoyo a trabajadores migrantes en Quebec. Hemos visto que los trabajadores temen perder su lugar en el programa si se quejan: el **miedo a la represalia** es el principal obstáculo."""),
            ("ca", "fr", """Merci. Je note que le nouveau mécanisme canadien de signalement anonyme pourrait répondre à cette crainte ; je partagerai la fiche d'information en espagnol dès qu'elle sera publiée."""),
        ],
    },
    {
        "category": "migrant-workers",
        "title": "Registro de personas trabajadoras temporales en el exterior",
        "tags": ["trabajadores temporales", "registro consular", "estadisticas"],
        "days_ago": 29,
        "posts": [
            ("hn", "es", """¿Sus sistemas consulares distinguen a las personas que están en el exterior con una **visa de trabajo temporal**? Nos interesa porque, ante una emergencia o una queja laboral, saber dónde trabajan y con qué empleador acelera mucho la asistencia."""),
            ("mx", "es", """Sí: la Secretaría del Trabajo comparte con los consulados la lista de trabajadores del programa con Canadá, con su empleador y región. Para las visas H-2 de Estados Unidos no tenemos esa información salvo que la persona se registre voluntariamente."""),
            ("do", "es", """República Dominicana no lo tiene todavía. Estamos explorando un registro voluntario en línea al momento de salir del país, similar al registro de viajeros."""),
            ("cr", "es", """Ojo con el registro voluntario: en nuestra experiencia solo se registra un 10 % de las personas. Funciona mejor cuando el registro se hace **en la charla previa a la salida**, con apoyo del personal."""),
        ],
    },
    {
        "category": "migrant-workers",
        "title": "Ofertas de empleo falsas en redes sociales: casos recientes",
        "tags": ["fake job offers", "redes sociales", "trata de personas"],
        "days_ago": 17,
        "posts": [
            ("sv", "es", """Alertamos a la región: circula en TikTok y Facebook una oferta de "trabajo en hoteles de Canadá con visa incluida" que usa el nombre de una agencia inexistente. Ya tenemos cinco casos de personas que pagaron y dos que viajaron a México esperando un supuesto contacto."""),
            ("ca", "fr", """Merci pour l'alerte. Je confirme qu'aucune agence de ce nom n'est enregistrée. Nous allons signaler les publications aux plateformes. Pourriez-vous partager les captures d'écran par message privé ?"""),
            ("mx", "es", """Activamos la alerta en nuestros consulados del sur. Si alguna de las personas que viajó a México contacta a un consulado salvadoreño, por favor avísennos: puede tratarse de **trata de personas**, no solo de fraude."""),
            ("sv", "es", """Les dejo aquí el número del supuesto reclutador para que lo bloqueen en sus canales."""),
            ("sv", "es", """Gracias a ambos. Borré mi mensaje anterior: por protección de datos es mejor no publicar números aquí. Enviamos las capturas y el número del reclutador a Canadá, y los datos de contacto de las dos personas a México, por mensaje privado."""),
        ],
        "deleted": [4],
    },
    {
        "category": "migrant-workers",
        "title": "Accidents at work abroad: what assistance do you provide?",
        "tags": ["labour rights", "case management", "repatriation of remains"],
        "days_ago": 8,
        "posts": [
            ("bz", "en", """Belize recently assisted the family of a worker seriously injured on a construction site abroad. We realised we have no standard procedure for **workplace accidents**: who contacts the employer, how we follow the compensation claim, what happens if the worker dies.

What do your procedures cover?"""),
            ("mx", "es", """Nuestros consulados tienen un programa de asesoría legal externa: abogados contratados que acompañan las reclamaciones de compensación laboral. El consulado registra el caso, contacta al empleador y deriva al abogado. En caso de fallecimiento, se abre además un caso de repatriación de restos."""),
            ("ni", "es", """Nicaragua no cuenta con abogados externos, pero hemos firmado acuerdos con clínicas jurídicas universitarias en Costa Rica y Estados Unidos. Les recomendamos explorar esa vía, que tiene muy bajo costo."""),
            ("bz", "en", """Thank you, the university legal clinic idea is very feasible for a small service like ours. I will ask our Embassy in Washington to explore it."""),
        ],
    },
    # ---------------------------------------------------------------- emergencies
    {
        "category": "emergencies-abroad",
        "title": "Registro de viajeros en emergencias: ¿qué datos mínimos pedir?",
        "tags": ["registro de viajeros", "desastres naturales", "datos minimos"],
        "days_ago": 44,
        "posts": [
            ("do", "es", """Después de la temporada de huracanes pasada, República Dominicana quiere mejorar su registro de viajeros para emergencias. La experiencia fue que pedíamos demasiados datos y la gente abandonaba el formulario.

¿Cuál es el **mínimo** que piden ustedes? Pensábamos en: nombre, documento, teléfono con WhatsApp, país y ciudad de estancia, fechas, y un contacto de emergencia."""),
            ("us", "en", """That is close to what works for the Smart Traveler Enrollment Program: name, contact details, destination and dates, emergency contact. Everything else is optional. The key for us was to make enrolment possible **in under two minutes** on a phone."""),
            ("ca", "fr", """Le Canada a un service d'inscription des Canadiens à l'étranger assez semblable. Deux conseils : demander la langue préférée de communication, et permettre de mettre à jour facilement la date de retour, car beaucoup d'inscriptions restent « actives » des années après le voyage."""),
            ("pa", "es", """Panamá sugiere incluir un campo opcional sobre **condiciones de salud o movilidad reducida**: en una evacuación es la primera información que se necesita, y casi nunca se tiene."""),
            ("do", "es", """Muchas gracias. Nos quedamos con: nombre, documento, teléfono, idioma, lugar y fechas, contacto de emergencia y un campo opcional de salud/movilidad. Les compartiremos el formulario cuando esté en línea."""),
        ],
    },
    {
        "category": "emergencies-abroad",
        "title": "Lessons from the last hurricane season: locating nationals",
        "tags": ["hurricanes", "traveller registration", "contingency plans", "missing migrants"],
        "days_ago": 31,
        "posts": [
            ("bz", "en", """Belize was both a country of transit and of destination during the last hurricane. The hardest part was locating foreign nationals in rural areas without phone signal. We relied on community radio and lists from the hotels.

How did other delegations locate their nationals after the storm?"""),
            ("hn", "es", """Honduras activó un **centro de llamadas** conjunto con la cancillería y publicó un formulario en redes sociales para que las familias reportaran a personas sin contacto. En 72 horas recibimos 1 200 reportes, de los que el 90 % se resolvió por teléfono."""),
            ("gt", "es", """Lo que más nos ayudó fue cruzar la lista de reportes con el registro de viajeros y con los casos consulares abiertos en la zona. Ahí se vio la importancia de tener el **lugar de estancia** bien registrado."""),
            ("iom", "en", """IOM can share the MICIC guidelines (Migrants in Countries in Crisis), which include a checklist for locating and assisting migrants after disasters. Several points raised here — joint hotlines, cross-checking registries — are among its recommended practices."""),
        ],
    },
    {
        "category": "emergencies-abroad",
        "title": "Plan de contingencia consular ante sismos",
        "tags": ["sismos", "planes de contingencia", "evacuacion"],
        "days_ago": 21, "locked": True,
        "posts": [
            ("mx", "es", """Compartimos la estructura del plan de contingencia que usan nuestros consulados en zonas sísmicas:

1. Árbol de llamadas del personal (verificado cada trimestre).
2. Sede alterna con acceso al sistema consular.
3. Kit de emergencia con sellos, formularios de documentos de viaje provisionales y dinero en efectivo.
4. Protocolo de comunicación con la comunidad (redes sociales, radio, líderes comunitarios).

¿Qué elementos añadirían?"""),
            ("cr", "es", """Costa Rica añadiría un inventario de **personas en situación de vulnerabilidad** ya conocidas por el consulado (personas mayores, con discapacidad, detenidas), para contactarlas en primer lugar."""),
            ("ni", "es", """Nicaragua sugiere acordar de antemano con los consulados de países vecinos el apoyo mutuo si una sede queda inutilizable. En 2018 un consulado de la región nos prestó espacio durante dos semanas y fue fundamental."""),
            ("mod", "es", """Gracias a todas las delegaciones. Cerramos este hilo para respuestas: los aportes se incorporaron a la nota de buenas prácticas sobre planes de contingencia que circulará la OIM. Para nuevos comentarios, abran un hilo nuevo haciendo referencia a este."""),
        ],
    },
    {
        "category": "emergencies-abroad",
        "title": "Documentos de viaje provisionales en situaciones de crisis",
        "tags": ["documentos de identidad", "evacuacion", "cooperacion regional"],
        "days_ago": 9,
        "posts": [
            ("ni", "es", """En una evacuación muchas personas pierden su pasaporte. ¿Los países de la región reconocen los **documentos de viaje provisionales** emitidos por los consulados vecinos? Sería útil tener una lista de qué documentos acepta cada país en tránsito."""),
            ("pa", "es", """Panamá acepta los salvoconductos y pasaportes provisionales emitidos por los consulados acreditados, siempre que se notifique a Migración con antelación. En crisis hemos habilitado un canal directo de correo para esas notificaciones."""),
            ("us", "en", """The U.S. accepts emergency travel documents issued by foreign consulates for departure, but for entry the usual visa requirements still apply. In past crises we coordinated humanitarian parole case by case; a regional contact list would help speed that up."""),
        ],
    },
    # ---------------------------------------------------------------- technology and social media
    {
        "category": "technology-social-media",
        "title": "Social-media alert tools: what has worked for you?",
        "tags": ["redes sociales", "alertas", "buenas practicas"],
        "days_ago": 42,
        "posts": [
            ("us", "en", """We would like to compare experiences with social-media alerts for nationals abroad. We publish security and weather alerts on X, Facebook and by email to registered travellers. Engagement is high on Facebook, low on email.

Which channels reach your communities best, and do you use **WhatsApp channels**?"""),
            ("gt", "es", """Para la comunidad guatemalteca en Estados Unidos, **Facebook y WhatsApp** son los canales principales; X casi no se usa. Desde 2023 tenemos un canal de WhatsApp por consulado con más de 40 000 seguidores en total. Publicamos alertas sobre fraudes, jornadas de consulado móvil y cambios migratorios."""),
            ("sv", "es", """El Salvador usa además transmisiones en vivo semanales en Facebook con el cónsul respondiendo preguntas. Funcionan muy bien para desmentir rumores, por ejemplo sobre supuestas amnistías migratorias."""),
            ("ca", "fr", """Au Canada, nous utilisons surtout les avis aux voyageurs sur le site officiel et l'application Voyage. Mais je retiens l'idée des chaînes WhatsApp : pour joindre des travailleurs saisonniers, c'est sans doute beaucoup plus efficace."""),
            ("iom", "en", """A related point: alerts about **fraud and fake rumours** seem to be the most shared content across all delegations. A regional bank of verified messages in the three languages could save everyone time."""),
        ],
    },
    {
        "category": "technology-social-media",
        "title": "Líneas de atención 24/7: centros de llamadas consulares",
        "tags": ["lineas de atencion", "centro de llamadas", "gestion de casos"],
        "days_ago": 34,
        "posts": [
            ("mx", "es", """El **Centro de Información y Asistencia a Mexicanos (CIAM)** atiende las 24 horas, todos los días, por teléfono, WhatsApp y correo. Recibe alrededor de 2 000 consultas diarias; las que requieren atención consular se registran como caso y se transfieren al consulado correspondiente.

Con gusto compartimos el catálogo de preguntas frecuentes y los guiones de atención."""),
            ("hn", "es", """Honduras tiene una línea 24/7 pero con personal reducido en la noche. ¿Cómo manejan los picos, por ejemplo después de un anuncio de política migratoria?"""),
            ("mx", "es", """Usamos mensajes pregrabados con la información básica del anuncio y un menú que permite dejar un número para devolver la llamada. También reforzamos el turno con personal de otras áreas previamente capacitado."""),
            ("do", "es", """Muy útil. República Dominicana está diseñando su línea y nos interesa el catálogo de preguntas frecuentes, sobre todo la clasificación de consultas que pasan a ser casos."""),
        ],
    },
    {
        "category": "technology-social-media",
        "title": "Applications mobiles consulaires : retours d'expérience",
        "tags": ["applications mobiles", "alertes", "protection des données"],
        "days_ago": 23,
        "posts": [
            ("ca", "fr", """L'application Voyage du gouvernement du Canada permet de consulter les conseils aux voyageurs, de s'inscrire au service d'inscription et de recevoir des alertes. Après cinq ans, notre bilan est mitigé : beaucoup de téléchargements, peu d'utilisation régulière.

D'autres délégations ont-elles développé une application mobile ? Qu'est-ce qui a fonctionné ?"""),
            ("mx", "es", """México tiene la aplicación MiConsulado para citas y preguntas frecuentes. Lo más usado, por mucho, es la **agenda de citas**. Las alertas funcionan mejor por WhatsApp que por notificación de la aplicación."""),
            ("cr", "es", """Costa Rica decidió no desarrollar aplicación propia: el mantenimiento en dos plataformas es caro y preferimos una página web que funcione bien en el teléfono. Nuestra recomendación para países pequeños es ir por esa vía."""),
            ("ca", "fr", """Merci, ces retours confirment notre impression : une application n'a de sens que si elle offre un service concret et fréquent, comme la prise de rendez-vous. Pour les alertes, les canaux déjà utilisés par les communautés restent les plus efficaces."""),
        ],
    },
    {
        "category": "technology-social-media",
        "title": "Combating misinformation about migration policy changes",
        "tags": ["social media", "alerts", "civil society"],
        "days_ago": 5,
        "posts": [
            ("us", "en", """Each time a migration policy is announced, rumours spread within hours — fake "amnesty" registrations, fake appointment sites charging fees. How do your consulates respond quickly?"""),
            ("gt", "es", """Tenemos un protocolo de **respuesta en 24 horas**: la cancillería valida el mensaje, y todos los consulados lo publican al mismo tiempo en Facebook y WhatsApp, con la misma imagen. La coherencia entre consulados es clave para que la gente confíe."""),
            ("hn", "es", """Nosotros trabajamos también con radios comunitarias y con iglesias, que llegan a personas que no siguen las redes oficiales."""),
            ("iom", "en", """Thank you. This thread connects with the idea of a regional bank of verified messages; we will bring both to the next meeting of the technical group."""),
        ],
    },
    # ---------------------------------------------------------------- training and workshops
    {
        "category": "training-workshops",
        "title": "Taller regional sobre registro de casos consulares: propuesta de agenda",
        "tags": ["talleres", "registro consular", "indicadores"],
        "days_ago": 30,
        "posts": [
            ("iom", "es", """Proponemos un taller regional virtual de dos medios días sobre registro de casos consulares. Borrador de agenda:

- **Día 1.** Presentación de los sistemas nacionales (10 minutos por delegación); comparación de catálogos de tipos de caso.
- **Día 2.** Indicadores mínimos; protección de datos; próximos pasos.

¿Qué fechas les convienen y qué cambiarían en la agenda?"""),
            ("cr", "es", """Costa Rica propone reservar tiempo para una **demostración en vivo** de al menos dos sistemas; las presentaciones con diapositivas no muestran las dificultades reales del registro."""),
            ("gt", "es", """De acuerdo con Costa Rica. Guatemala puede mostrar su sistema y también el formulario en papel de los consulados móviles, que es un buen ejemplo de lo que queremos mejorar."""),
            ("ca", "fr", """Le Canada pourra présenter son système et propose que l'interprétation simultanée en français et en anglais soit prévue pour le deuxième jour."""),
            ("iom", "es", """Gracias. Incorporamos las demostraciones en vivo (Guatemala, Canadá) e interpretación el segundo día. Enviaremos la convocatoria formal a los puntos focales."""),
        ],
    },
    {
        "category": "training-workshops",
        "title": "Materials from the workshop on consular interviews with children",
        "tags": ["training", "migrant children", "good practices", "human trafficking"],
        "days_ago": 13,
        "posts": [
            ("unicef", "en", """The materials from last month's workshop are ready: presentation, five simulated cases contributed by Mexico and El Salvador, and the self-assessment checklist. They are available in Spanish and English; the French version will follow.

Please share feedback on what you would like to see in the next session."""),
            ("bz", "en", """Thank you, the simulated cases were the most useful part for our officers. For the next session we would appreciate a module on **interviewing adolescents who may be victims of trafficking**."""),
            ("sv", "es", """Coincidimos con Belice. También sería útil un módulo corto para el personal de recepción, que suele ser el primer contacto y no está capacitado."""),
        ],
    },
    {
        "category": "training-workshops",
        "title": "Échange de formateurs entre consulats de la région",
        "tags": ["formation", "coopération régionale"],
        "days_ago": 3,
        "posts": [
            ("ca", "fr", """Le Canada propose un programme d'échange de formateurs : un agent consulaire expérimenté d'un pays passe une semaine dans le consulat d'un autre pays pour partager ses méthodes. Cela permettrait d'aller au-delà des ateliers virtuels.

Des délégations seraient-elles intéressées pour un premier échange au premier semestre ?"""),
            ("pa", "es", """Panamá está interesada, especialmente en la atención de personas en tránsito y en emergencias. Podríamos recibir a un funcionario o funcionaria en nuestro consulado en Costa Rica."""),
            ("do", "es", """República Dominicana también. Nos interesaría enviar a alguien de nuestro centro de atención telefónica para conocer el funcionamiento de otras líneas 24/7."""),
        ],
    },
    # ---------------------------------------------------------------- follow-up of agreements (staff)
    {
        "category": "agreements-follow-up",
        "title": "Seguimiento de los compromisos de la última reunión plenaria",
        "tags": ["seguimiento de acuerdos", "indicadores"],
        "days_ago": 26, "pinned": True,
        "posts": [
            ("iom", "es", """Resumen del estado de los compromisos de la plenaria:

| Compromiso | Responsable | Estado |
|---|---|---|
| Línea de base de sistemas de registro | OIM | en curso (7 de 11 países) |
| Propuesta de indicadores mínimos | OIM | versión 2 en preparación |
| Lista de puntos de contacto 24/7 para niñez | UNICEF | 8 de 11 países |
| Lista de señales de alerta de fraude | OIM | borrador |

Pendiente: contactar a las delegaciones que aún no han participado en el foro."""),
            ("unicef", "es", """Actualización de UNICEF: ya tenemos 9 de 11 puntos de contacto (se sumaron Honduras y Nicaragua). Faltan dos delegaciones; les escribiremos esta semana."""),
            ("mod", "es", """Desde la moderación sugerimos destacar (fijar) en cada categoría el hilo principal de cada compromiso, para que las delegaciones encuentren fácilmente dónde aportar."""),
        ],
    },
    {
        "category": "agreements-follow-up",
        "title": "Preparing the synthesis report for the vice-ministerial meeting",
        "tags": ["follow-up of agreements", "regional cooperation"],
        "days_ago": 12,
        "posts": [
            ("iom", "en", """We need to prepare a synthesis of the exchange for the vice-ministerial meeting. Proposed structure: (1) state of national case-recording systems, (2) agreed principles on data protection, (3) proposed minimum indicators, (4) practices on children, workers and emergencies, (5) recommendations.

Comments on the structure before we start drafting?"""),
            ("unicef", "en", """UNICEF suggests a dedicated section on children rather than merging it with the other practices, given the ministers' interest. We can draft it."""),
            ("admin", "en", """From the platform side: the threads pinned in each category are a good starting list of sources for each section. We can also export the tagged threads per topic if that helps the drafting."""),
            ("iom", "en", """Agreed: separate children section drafted by UNICEF; IOM drafts the rest. First draft to be shared here in two weeks."""),
        ],
    },
    {
        "category": "agreements-follow-up",
        "title": "Participación de la sociedad civil en la consulta abierta",
        "tags": ["sociedad civil", "niñez migrante", "genero"],
        "days_ago": 4,
        "posts": [
            ("mod", "es", """La consulta abierta en la categoría de niñez ha recibido aportes valiosos de la red de organizaciones civiles. Propongo evaluar si extendemos la consulta abierta a la categoría de trabajadores migrantes, donde las organizaciones tienen mucha experiencia de campo."""),
            ("iom", "es", """Estamos de acuerdo en principio. Sugerimos consultarlo primero con las delegaciones en la próxima reunión virtual, ya que algunas prefieren que esa categoría se mantenga solo para gobiernos."""),
            ("unicef", "es", """UNICEF apoya la propuesta. Los aportes de la red sobre la segunda entrevista a adolescentes ya se están recogiendo en la guía regional."""),
        ],
    },
]
