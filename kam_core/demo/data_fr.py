"""The demo's texts in French, for a programme created in French: what its French customers' accounts
(``POOL_OF_COUNTRY`` "fr": France, Luxembourg) are written in. Same shapes and keys as their English
originals in ``kam_core.demo.data`` (criteria keyed by their English default name); a table not
translated here stays English. Our side (``KAM_REGIONS``, ``EXECUTIVE_TITLES``, ``OFFER_NAMES``) and the
sectors' labels are the programme's: French for every account of a French programme; the rest (the French
customers' sectors, events, buying centre, competitors' strengths, objectives, ambitions, CRM lines) only
for its French customers, so its English-speaking customers keep their English plans."""

from __future__ import annotations

from dataclasses import replace

from kam_core.demo.data import SECTORS as _ENGLISH_SECTORS

RATIONALES = {
    "Growth": (
        [
            "Sites en cours de regroupement ; dépenses stables ou en baisse",
            "Volumes en baisse ; investissements gelés deux ans",
        ],
        [
            "Dépenses en hausse avec son marché, environ 4 % par an",
            "Croissance régulière ; quelques projets par an, pas de nouveau site",
        ],
        [
            "Nouveaux sites et capacités annoncés ; dépenses en hausse de plus de 10 % par an",
            "Acquisitions et constructions neuves font nettement monter les dépenses",
        ],
    ),
    "Strategic fit": (
        ["Achète surtout des produits banalisés dont nous nous retirons", "Segment hors de notre liste cible"],
        [
            "Segment cible ; achète une partie de notre offre cœur",
            "Bonne adéquation sur le matériel, peu d'intérêt pour les services",
        ],
        [
            "Segment cœur ; a besoin de tout notre portefeuille, numérique compris",
            "Exactement le client que vise notre plan 2030",
        ],
    ),
    "Openness to co-innovation": (
        [
            "Achète sur cahier des charges ; aucun appétit pour les pilotes",
            "Innovation gérée au siège avec d'autres partenaires",
        ],
        ["Ouvert à un pilote si nous le finançons", "Un atelier commun tenu ; pas encore de pilote"],
        ["Pilote commun en cours et données de site partagées", "A proposé de lui-même un développement commun"],
    ),
    "Access to decision makers": (
        ["Surtout les achats ; la direction difficile à atteindre", "Rencontres avec la direction rares et courtes"],
        [
            "Accès régulier à un directeur de division ; direction générale une fois par an",
            "Bon accès au niveau des sites, faible au niveau du groupe",
        ],
        [
            "Rencontres régulières avec la direction ; binôme de dirigeants en place",
            "Le DG et le directeur des achats voient notre sponsor chaque trimestre",
        ],
    ),
    "Relationship depth": (
        ["Basique : un acheteur, un commercial", "Exploratoire : premiers contacts, pas encore de projet"],
        [
            "Coopérative : plusieurs contacts de part et d'autre",
            "Fournisseur privilégié ; contacts à l'ingénierie et aux achats",
        ],
        [
            "Interdépendante : équipes communes et plans partagés",
            "Intégrée : équipe résidente sur site, données et feuille de route partagées",
        ],
    ),
    "Offer fit": (
        ["Nos offres couvrent une petite part de ses besoins", "Demande une adaptation lourde à ses standards"],
        [
            "Les offres standard couvrent environ la moitié de ses besoins",
            "Bonne adéquation en distribution électrique, plus faible en numérique",
        ],
        [
            "Nous couvrons l'essentiel de ses besoins avec des offres standard",
            "Plusieurs offres développées avec ce client",
        ],
    ),
    "Competitive position": (
        [
            "Un concurrent détient l'accord-cadre",
            "Absent de la liste des fournisseurs agréés pour la plupart des catégories",
        ],
        ["L'un de trois fournisseurs qualifiés", "Accord-cadre partagé avec un concurrent"],
        [
            "Titulaire de l'accord-cadre ; concurrents marginaux",
            "Fournisseur unique de l'énergie critique sur tous les sites",
        ],
    ),
    "Reputation & track record": (
        ["Les retards du dernier projet restent dans les esprits", "Litige en cours sur des pénalités"],
        ["Livré comme promis ; pas de référence phare", "Bon historique de service, peu visible au niveau du groupe"],
        ["Projet phare cité dans son rapport annuel", "Le client accueille des visites de référence pour nous"],
    ),
    "Perceived value": (
        [
            "Vu comme un fournisseur de commodités ; le prix est le seul sujet",
            "Les achats ne voient pas la valeur de nos services",
        ],
        [
            "Valeur reconnue sur les projets, pas au niveau du groupe",
            "L'ingénierie voit notre valeur, la finance pas encore",
        ],
        [
            "Les économies obtenues sont mesurées et présentées à son conseil",
            "La direction nous attribue des résultats mesurables",
        ],
    ),
}
GENERIC_RATIONALES = ("Faible sur ce critère", "Moyen sur ce critère", "Fort sur ce critère")
PROSPECT_RATIONALES = {
    "Relationship depth": "Exploratoire : premiers contacts, pas encore de projet",
    "Competitive position": "Pas encore sur sa liste de fournisseurs agréés",
    "Reputation & track record": "Pas encore d'historique avec lui ; connus par des références ailleurs",
}
UP_SINCE_LAST_QUARTER = " (en hausse depuis le trimestre dernier)"
DOWN_SINCE_LAST_QUARTER = " (en baisse depuis le trimestre dernier)"
# The rationales that quote the account's figures (str.format templates).
SIZE_RATIONALE = "Environ {spend} M€ par an dépensés dans nos catégories, sur {units} divisions et sites"
SHARE_RATIONALE = "Notre chiffre d'affaires représente environ {share:.0f} % de ses dépenses dans nos catégories"
NO_REVENUE_RATIONALE = "Pas encore de chiffre d'affaires avec nous"
MARGIN_RATIONALE = "Marge d'environ {margin:.0f} % une fois service et logistique payés"

# --- handshakes (same lengths and order as the English tables: the seed draws the same rows) ---
OUR_COMMITMENTS = [
    ("Réaliser l'audit énergétique des trois plus grands sites", "engineer"),
    ("Fournir chaque mois un tableau de bord des économies d'énergie au comité de pilotage", "kam"),
    ("Détacher un ingénieur résident sur site deux jours par semaine", "engineer"),
    ("Financer un pilote de maintenance prédictive de six mois", "kam"),
    ("Présenter notre feuille de route produits lors d'une journée innovation annuelle", "sponsor"),
    ("Tenir deux rencontres de sponsors exécutifs par an", "sponsor"),
    ("Garantir une intervention en quatre heures sur les incidents d'énergie critiques", "engineer"),
]
THEIR_COMMITMENTS = [
    "Donner accès aux données de comptage de tous les sites",
    "Nommer un chef de projet pour le pilote",
    "Regrouper les volumes dans un seul accord-cadre",
    "Servir de référence pour une visite client par an",
    "Partager le plan d'investissement à trois ans des sites",
    "Organiser une rencontre avec le directeur financier du groupe",
    "Nous associer dès la conception des nouveaux sites",
]
STAGE_NOTES = {
    "draft": "Premier jet rédigé par {kam} après la revue du compte",
    "internally_reviewed": "Revu avec {sponsor} et le directeur commercial régional",
    "presented": "Présenté à {ceo} et au comité exécutif",
    "agreed": "Accepté et signé par {signatory}",
    "in_review": "Première revue trimestrielle tenue avec {signatory}",
}
COUNTRY_MANAGER = "le directeur pays"
REVIEW_NOTES = [
    "Économies d'énergie en avance sur le plan ; l'objectif de disponibilité est en retard "
    "après deux incidents ({unit}).",
    "Données de comptage enfin disponibles pour tous les sites ; points de départ recalculés.",
    "La réorganisation du client a ralenti le pilote ; les deux sponsors ont reconfirmé les objectifs.",
    "Bon trimestre : les premières économies ont été constatées et présentées au comité exécutif du client.",
]
REVIEW_DECISIONS = [
    "Étendre le pilote à un deuxième site.",
    "Ajouter un objectif commun sur le reporting carbone au prochain trimestre.",
    "Le client nomme un chef de projet unique.",
    "Tenir la prochaine revue sur le créneau du comité exécutif du client.",
    "Garder les objectifs ; partager le plan de rétablissement du service sous 30 jours.",
]

# --- engagements ---
HELD_OBJECTIVES = [
    ("Faire le point sur « {priority} » avec l'équipe de direction", "any"),
    ("Présenter les résultats de l'audit énergétique ({site}) et convenir de la suite", "any"),
    ("Présenter notre feuille de route {offer} et tester l'intérêt pour un pilote", "any"),
    ("Revue trimestrielle : niveaux de service, projets et opportunités", "customer"),
    ("S'accorder sur les objectifs et engagements communs du plan de compte", "customer"),
    ("Visiter le site « {site} » pour voir le pilote en marche et rencontrer son équipe", "customer"),
]
OUTCOMES = [
    ("{cust} a confirmé « {priority} » comme priorité de l'an prochain et demandé une proposition chiffrée.", "any"),
    (
        "Réunion constructive ; {cust} veut étendre le pilote à un deuxième site, budget à confirmer par la finance.",
        "customer",
    ),
    (
        "{cust} a soulevé les délais d'intervention ({site}) ; nous nous sommes engagés sur un plan sous 30 jours.",
        "customer",
    ),
    (
        "Objectifs communs acceptés sur le principe ; {cust} portera en interne la demande d'accès aux données.",
        "customer",
    ),
    (
        "La discussion est restée générale et les achats ont mené l'ordre du jour ; il faut un dossier plus précis.",
        "any",
    ),
    ("{cust} nous a présentés à la nouvelle directrice RSE ; un atelier de suivi a été convenu.", "any"),
    ("{cust} est ouvert à un premier pilote (site : {site}) si nous apportons une proposition chiffrée.", "any"),
]
NEXT_STEPS = [
    ("Le KAM envoie la proposition chiffrée sous trois semaines", "any"),
    ("Organiser un atelier avec l'équipe d'ingénierie sur {offer}", "any"),
    ("Le sponsor appelle {cust} après son conseil d'administration", "any"),
    ("Partager le plan de rétablissement avec les directeurs de site", "customer"),
    ("Rédiger le périmètre du pilote et l'accord de partage des données", "any"),
    ("Inviter {cust} à notre journée innovation", "any"),
]
PLANNED_OBJECTIVES = [
    ("Revue trimestrielle avec {cust}", "customer"),
    ("Rencontre de direction sur « {priority} »", "any"),
    ("Visite de site avec {cust} : {site}", "any"),
    ("Échange informel avec {cust} au salon professionnel", "any"),
    ("Préparer la prochaine revue du compte avec {cust}", "customer"),
]
ASKS = [
    ("Demander à {cust} d'organiser une rencontre avec son directeur financier sur l'accord pluriannuel.", "customer"),
    ("Obtenir l'accord de {cust} pour étendre le pilote à tous ses sites du pays ({country}).", "customer"),
    ("Obtenir de leur côté un chef de projet nommé pour « {priority} ».", "any"),
    ("Demander l'accès aux données de comptage des trois plus grands sites.", "any"),
    ("Obtenir une invitation à présenter lors de leur journée innovation fournisseurs.", "any"),
    ("Confirmer que {cust} signera le plan de compte au prochain comité de pilotage.", "customer"),
]
CANCEL_REASONS = [
    "Annulé par le client : {cust} a été convoqué à un conseil d'administration extraordinaire.",
    "Annulé : grève sur le site « {site} » ; pas encore reprogrammé.",
    "Reporté de notre côté pour un conflit de déplacement ; pas encore reprogrammé.",
]
# Objectives that imply the kind of engagement.
KIND_OF_OBJECTIVE = [
    ("Visiter ", "visit"),
    ("Visite de site", "visit"),
    ("Revue trimestrielle", "qbr"),
    ("Échange informel", "event"),
]
ATTENDEES = "Nous : {ours}, {kam} (KAM). Client : {theirs}"

# --- canvas: SWOT and actions ---
SWOT_TEXTS = {
    "strength": [
        ("Base installée sur la plupart des sites ; nos équipements sont la référence ({unit})", "strong"),
        ("L'ingénierie nous fait confiance ; le responsable énergie défend nos solutions", "strong"),
        ("Notre plateforme de suivi connecte déjà {n} de ses sites", "strong"),
        ("Projet de référence livré dans les délais et le budget l'an dernier", "any"),
        ("Seul fournisseur capable de servir tous ses pays avec un même niveau de service", "any"),
        ("Bons premiers contacts avec l'équipe d'ingénierie ({unit})", "weak"),
        ("Notre pilote ({unit}) a été bien reçu par l'équipe du site", "weak"),
    ],
    "weakness": [
        ("Aucune relation au-dessus des achats", "weak"),
        ("Absents de la liste des fournisseurs agréés pour {offer}", "weak"),
        ("Délais d'intervention critiqués ({unit})", "any"),
        ("Nos prix jugés 10 à 15 % au-dessus de ceux du concurrent {competitor}", "any"),
        ("Notre offre numérique est inconnue de sa DSI", "any"),
        ("Trop d'interlocuteurs de notre côté ; le client ne sait pas qui pilote", "strong"),
        ("La relation repose sur un seul champion à l'ingénierie", "strong"),
    ],
    "opportunity": [
        ("« {priority} » : budget annoncé pour les trois prochaines années", "any"),
        ("Accord-cadre à renouveler dans 12 à 18 mois", "any"),
        ("Nouveaux sites annoncés ; la phase de conception commence l'an prochain", "any"),
        ("L'équipe RSE cherche un partenaire aux résultats mesurés", "any"),
        ("La réduction du nombre de fournisseurs pourrait favoriser un partenaire groupe", "any"),
    ],
    "threat": [
        ("{competitor} propose des pilotes gratuits aux sites", "any"),
        ("Les achats poussent un appel d'offres mondial unique décidé au prix", "any"),
        ("Gel des investissements annoncé pour l'an prochain", "any"),
        ("Le nouveau directeur des achats a travaillé avec {competitor}", "any"),
        ("Le client envisage de réinternaliser la maintenance", "any"),
    ],
}
OUR_SPONSOR = "notre sponsor"
ACTION_TEXTS = {
    "revenue": [
        "Envoyer la proposition chiffrée pour {offer}",
        "Qualifier l'opportunité avec l'équipe du site ({unit})",
        "Préparer le dossier de renouvellement de l'accord-cadre",
        "Présenter au directeur financier les économies des projets de l'an dernier",
    ],
    "share_of_wallet": [
        "Cartographier les positions des concurrents unité par unité",
        "Proposer un accord-cadre multisite",
        "Comparer nos prix à ceux du concurrent {competitor}",
        "Entrer sur la liste des fournisseurs agréés pour {offer}",
    ],
    "relationship": [
        "Briefer {sponsor} avant la rencontre avec le {ops}",
        "Organiser pour le {ops} une visite de référence chez un client",
        "Inviter le directeur RSE à notre journée innovation",
        "Cartographier le centre de décision ({unit})",
    ],
    "co_innovation": [
        "Rédiger le périmètre du pilote avec le responsable énergie",
        "Faire signer l'accord de partage des données",
        "Planifier la revue du pilote avec les deux sponsors",
        "Préparer le dossier économique du pilote pour le directeur financier",
    ],
}

# --- our side, programme-wide in a French programme (keyed like data.KAMS, EXECUTIVES, OFFERS) ---
KAM_REGIONS = {
    "fontaine": "France",
    "brenner": "DACH",
    "marchetti": "Europe du Sud",
    "whitfield": "Royaume-Uni, Irlande et pays nordiques",
    "kowalska": "Benelux et Europe centrale",
    "okafor": "Comptes mondiaux",
}
EXECUTIVE_TITLES = {  # key: (title, function)
    "duval": ("Directrice générale", "Direction générale"),
    "berger": ("Directeur financier", "Finance"),
    "navarro": ("Directrice des opérations", "Opérations"),
    "lindqvist": ("Directeur technique", "Technologie"),
    "osei": ("Directeur commercial groupe", "Ventes"),
    "rahman": ("Directrice des services numériques", "Numérique"),
    "vandijk": ("Directeur de la supply chain", "Supply chain"),
}
OFFER_NAMES = {  # key: (name, family)
    "switchgear": ("Tableaux moyenne tension et distribution électrique", "Gestion de l'énergie"),
    "metering": ("Comptage et suivi énergétique", "Gestion de l'énergie"),
    "microgrid": ("Micro-réseaux et stockage par batteries", "Gestion de l'énergie"),
    "automation": ("Automatisation des procédés et des machines", "Automatisation industrielle"),
    "bms": ("Gestion technique des bâtiments", "Automatisation industrielle"),
    "analytics": ("Plateforme d'analyse énergétique (SaaS)", "Services numériques"),
    "predictive": ("Service de maintenance prédictive", "Services numériques"),
    "otsec": ("Cybersécurité des systèmes industriels", "Services numériques"),
    "maintenance": ("Contrats de maintenance multisites", "Services terrain"),
    "retrofit": ("Rénovations d'efficacité énergétique", "Services terrain"),
}
SECTOR_LABELS = {
    "auto": "Automobile",
    "post": "Courrier et colis",
    "aero": "Aéronautique",
    "health": "Hôpitaux et cliniques",
    "pharma": "Pharmacie",
    "medtech": "Équipements médicaux",
    "animal": "Centrale d'achat santé animale",
    "cloud": "Cloud et centres de données",
    "energy": "Énergie",
    "bank": "Banque",
    "insurance": "Assurance",
}

# --- the French customers' accounts (keyed like data.ACCOUNTS) ---
ACCOUNT_EVENTS = {
    "veltara_fr": "Usine de tôlerie conservée après la fusion, mais les volumes ont baissé de 15 % "
    "et une deuxième équipe a été supprimée.",
    "postavia": "Le colis a dépassé le courrier en chiffre d'affaires l'an dernier ; le groupe a racheté un "
    "transporteur de colis du Benelux et prévoit 4 000 utilitaires électriques d'ici 2027.",
    "aerivon": "Montée en cadence sur deux programmes monocouloirs ; a ouvert une usine composite au Maroc "
    "et qualifie une deuxième usine en Espagne.",
    "santea": "A acquis 11 cliniques indépendantes en 18 mois ; le nouveau directeur des opérations veut un "
    "seul standard technique pour tous les sites.",
    "animalis": "Achète désormais pour 850 cliniques vétérinaires après sa fusion avec un réseau de "
    "coopératives rurales.",
    "voltera": "Réorganisé en trois divisions (renouvelables, réseaux, services) ; investissements dans les "
    "renouvelables en hausse de 40 %.",
    "helvane": "Les nouvelles règles de résilience opérationnelle imposent un audit des deux centres de "
    "données ; le réseau d'agences a été réduit d'un tiers.",
    "assurelia": "Mutuelle en cours de fusion avec un acteur régional ; déménagement du siège prévu en 2027.",
}
COMPETITOR_STRENGTHS = {  # keyed by the competitor's name
    "Voltrix Systems": "Présence mondiale ; agressif sur les prix des tableaux électriques",
    "Amperis Group": "Fort en automatisation des bâtiments, avec des partenaires de service locaux",
    "Nordelec Services": "Maintenance multitechnique à bas coût",
    "Heliotec Automation": "Titulaire sur l'automatisation des procédés ; large base installée",
    "Gridwise Analytics": "Jeune pousse de l'analyse énergétique qui offre des pilotes gratuits",
    "Fenwright Electric": "Relation ancienne avec l'ingénierie ; bon historique de livraison",
    "Tecnomar Impianti": "Installateur régional, très souple sur les prix",
    "Kobaltek Energy": "Fort en batteries et micro-réseaux",
}
# The buying centre's titles and units (keyed like data.ORG_CHART's slots; same placeholders).
ORG_CHART_WORDS = {
    "ceo": ("Directeur général", "Comité exécutif"),
    "coo": ("{ops}", "Opérations"),
    "cpo": ("Directeur des achats", "Achats"),
    "cat": ("Acheteur famille, énergie et services généraux", "Achats"),
    "eng": ("{eng}", "Ingénierie"),
    "site1": ("{site}, {unit1}", "{unit1}"),
    "cfo": ("Directeur financier", "Finance"),
    "csr": ("Directeur RSE", "Développement durable"),
    "maint": ("Responsable maintenance", "{unit1}"),
    "energy": ("Responsable énergie", "Ingénierie"),
    "cio": ("Directeur des systèmes d'information", "DSI"),
    "ea": ("Assistant de direction du DG", "Comité exécutif"),
    "proc2": ("Directeur des achats, investissements et travaux", "Achats"),
    "ot": ("Responsable cybersécurité industrielle", "DSI"),
    "site2": ("{site}, {unit2}", "{unit2}"),
}
# A title held by a woman (the French name pool's women) takes its feminine: first match of each word.
WOMEN_FIRST_NAMES = ("Sophie", "Nathalie", "Isabelle", "Céline", "Valérie", "Élodie", "Agnès")
FEMININE_TITLES = (
    ("Directeur général", "Directrice générale"),
    ("Directeur financier", "Directrice financière"),
    ("Directeur industriel", "Directrice industrielle"),
    ("Directeur", "Directrice"),
    ("Acheteur", "Acheteuse"),
    ("Assistant ", "Assistante "),
)
# KPI units that count things: their values stay whole numbers (the English demo's "count").
COUNTED_UNITS = ("incidents", "interventions", "sinistres")

# --- CRM lines, objectives and ambition (same placeholders as data's) ---
REVENUE_LABELS = {
    "invoice": "Facture - {offer}",
    "won": "Gagné - {offer}, {what}",
    "opportunity": "Opportunité - {offer}, {what}",
}
WON_WHATS = ["accord-cadre de trois ans", "projet de site", "extension de périmètre", "pilote"]
OPPORTUNITY_WHATS = [
    "nouveau site",
    "renouvellement",
    "accord-cadre groupe",
    "programme de rénovation",
    "extension du pilote",
]
OBJECTIVE_TEXTS = {
    "first_order": (
        "Gagner une première commande significative chez {short}",
        "Première commande de plus de {first} M€",
    ),
    "revenue": (
        "Faire passer le chiffre d'affaires annuel avec {short} de {revenue} à {target} M€",
        "{target} M€ par an",
    ),
    "share_of_wallet": (
        "Porter notre part de portefeuille chez {short} de {start} % à {end} %",
        "{end} % de ses dépenses dans nos catégories",
    ),
    "relationship": (
        "Construire une relation régulière avec le {ops} chez {short}",
        "Deux rencontres de direction par an, binôme de sponsors en place",
    ),
    "co_innovation": ("Mener un pilote commun sur « {priority} »", "Résultats du pilote validés par les deux sponsors"),
}
AMBITIONS = {
    "strategic": "D'ici {year}, être pour {short} le partenaire de référence en énergie et en opérations : "
    "{goal} M€ par an (contre {revenue} M€), une part de portefeuille portée de {sow} % à {sow_goal} %, "
    "un plan commun revu chaque trimestre et un projet de co-innovation par an, à commencer par « {priority} ».",
    "develop": "Gagner notre place chez {short} en trois ans : de {sow} % à {sow_goal} % de part de portefeuille "
    "en devenant fournisseur sous accord-cadre et en décrochant un projet phare sur « {priority} ».",
    "maintain": "Garder {short} à environ {revenue} M€ par an avec moins d'effort : renouveler l'accord-cadre, "
    "passer le service courant en télésurveillance et protéger une marge de {margin} %.",
    "opportunistic": "Servir {short} avec profit via les distributeurs et notre boutique en ligne ; ne répondre "
    "aux appels d'offres que si la marge dépasse {margin} %.",
}


# --- sectors: the French customers' ones, same offers, shares, kinds and figures as the English ---
def _sector(key, label, business, markets, units, titles, vision, priorities, joint_objectives):
    english = _ENGLISH_SECTORS[key]
    ops, eng, site = titles
    return replace(
        english,
        label=label,
        business=business,
        markets=markets,
        units=tuple((name, kind) for name, (_, kind) in zip(units, english.units, strict=True)),
        ops_title=ops,
        eng_title=eng,
        site_title=site,
        vision=vision,
        priorities=tuple(
            replace(prio, title=title, description=description, what_we_bring=bring, customer_value=value)
            for prio, (title, description, bring, value) in zip(english.priorities, priorities, strict=True)
        ),
        joint_objectives=tuple(
            (title, kpi, unit, baseline, target)
            for (_, _, _, baseline, target), (title, kpi, unit) in zip(
                english.joint_objectives, joint_objectives, strict=True
            )
        ),
    )


SECTORS = {
    "auto": _sector(
        "auto",
        SECTOR_LABELS["auto"],
        "{name} conçoit et assemble des voitures particulières et des utilitaires légers ; ses usines font "
        "tourner presses, ateliers de peinture et lignes d'assemblage jour et nuit.",
        "L'Europe d'abord (marché domestique : {country}), en croissance en Afrique du Nord et en Amérique du "
        "Sud ; les modèles électriques font 30 % des commandes, et la part monte.",
        (
            "Usine d'assemblage de {city1}",
            "Atelier peinture et tôlerie de {city2}",
            "Division groupes motopropulseurs",
            "Division packs batteries",
            "Ventes et après-vente {country}",
        ),
        ("Directeur industriel groupe", "Responsable ingénierie usine", "Directeur d'usine"),
        "Faire ensemble des usines du groupe {short} les plus sobres en énergie de l'automobile européenne : moins "
        "d'énergie par véhicule, aucun arrêt de production pendant l'électrification des lignes, un seul "
        "standard de maintenance.",
        (
            (
                "Réduire de 25 % le coût énergétique par véhicule d'ici 2028",
                "L'énergie est devenue le deuxième poste de coût des usines après la main-d'œuvre ; le conseil "
                "veut la maîtriser.",
                "Sous-comptage des presses et des ateliers de peinture, avec une revue mensuelle de la "
                "performance énergétique",
                "Coût énergétique par véhicule en baisse de 12 à 18 % en deux ans",
            ),
            (
                "Électrifier les lignes de motorisation sans arrêt de production",
                "Les nouvelles lignes batteries et moteurs électriques doivent entrer dans les usines existantes "
                "pendant les arrêts d'été.",
                "Postes HTA/BT préfabriqués installés pendant les fenêtres d'arrêt",
                "Aucun arrêt de production ; quatre semaines gagnées sur chaque démarrage de ligne",
            ),
            (
                "Un seul standard de maintenance pour toutes nos usines",
                "Chaque usine entretient encore ses équipements à sa façon ; pièces détachées et compétences sont "
                "en double.",
                "Accord-cadre de maintenance groupe avec un registre d'actifs et un niveau de service uniques",
                "Stock de pièces détachées en baisse de 20 %, moins de pannes",
            ),
            (
                "Des usines neutres en carbone d'ici 2030",
                "Les émissions des scopes 1 et 2 doivent être divisées par deux d'ici 2030 ; les investisseurs "
                "demandent une trajectoire crédible.",
                "Micro-réseaux solaires avec stockage sur site pour les plus grandes usines",
                "Jusqu'à 30 % de l'électricité des usines produite sur place",
            ),
            (
                "Protéger les réseaux des usines des cyberattaques",
                "Un rançongiciel a arrêté l'usine d'un concurrent pendant neuf jours l'an dernier.",
                "Évaluation de la sécurité industrielle, segmentation et surveillance 24 h/24",
                "Réseaux d'usine certifiés ; prime d'assurance réduite",
            ),
        ),
        (
            ("Réduire l'énergie consommée par véhicule", "Énergie par véhicule produit", "kWh"),
            ("Réduire les émissions de scope 2 des usines", "Émissions de scope 2", "tCO2"),
            ("Éviter les arrêts de ligne dus à l'alimentation électrique", "Arrêts imprévus dus à l'énergie", "heures"),
        ),
    ),
    "post": _sector(
        "post",
        SECTOR_LABELS["post"],
        "{name} distribue lettres et colis, exploite des plateformes de tri et une flotte d'utilitaires de "
        "livraison ; les colis pèsent désormais plus que le courrier.",
        "Courrier et colis sur son marché national ({country}), et colis du e-commerce transfrontalier "
        "dans toute l'Europe.",
        (
            "Plateforme colis de {city1}",
            "Centre de tri de {city2}",
            "Division courrier",
            "Division colis et e-commerce",
            "Flotte et dépôts",
        ),
        ("Directeur des opérations", "Responsable ingénierie et immobilier", "Directeur de plateforme"),
        "Faire du réseau {short} le réseau colis le plus bas carbone de ses marchés : une flotte électrique "
        "rechargée dans chaque dépôt, et des plateformes qui ne s'arrêtent jamais en période de pointe.",
        (
            (
                "Électrifier la flotte de livraison d'ici 2030",
                "La moitié des utilitaires de livraison urbaine doit être électrique d'ici 2027 ; les dépôts "
                "manquent de puissance pour les recharger.",
                "Infrastructure de recharge des dépôts avec pilotage intelligent de la charge",
                "Dépôts électrifiés sans renforcement coûteux du raccordement",
            ),
            (
                "Faire tourner les plateformes de tri en période de pointe",
                "Une heure d'arrêt d'une plateforme avant Noël, ce sont des dizaines de milliers de colis en retard.",
                "Maintenance prédictive des entraînements des trieurs et de leur alimentation",
                "Arrêts imprévus des plateformes en baisse de 40 %",
            ),
            (
                "Réduire la facture énergétique de notre parc immobilier",
                "Des centaines de bureaux de poste et de dépôts au chauffage et à l'éclairage vétustes.",
                "Rénovations d'efficacité énergétique financées par les économies",
                "Factures d'énergie en baisse de 20 %, payées par les économies",
            ),
            (
                "Déclarer le carbone par colis à nos clients e-commerce",
                "Les plus grands e-commerçants choisissent désormais leurs transporteurs sur les données carbone.",
                "Plateforme de données énergie et carbone qui calcule le carbone par colis",
                "Carbone par colis déclaré chaque mois aux principaux clients",
            ),
        ),
        (
            ("Électrifier les dépôts de livraison", "Dépôts équipés de bornes de recharge", "%"),
            ("Garder les plateformes disponibles en pointe", "Arrêts des plateformes en période de pointe", "heures"),
            ("Réduire l'énergie des bâtiments", "Consommation d'énergie des bâtiments", "MWh"),
        ),
    ),
    "aero": _sector(
        "aero",
        SECTOR_LABELS["aero"],
        "{name} conçoit et fabrique des composants d'avions pour les avionneurs et les compagnies, dans des "
        "usines équipées d'autoclaves, de centres d'usinage et de bancs d'essai.",
        "Aviation civile (environ 80 % des ventes) et défense ; les carnets de commandes couvrent huit ans, "
        "la montée en cadence est limitée par la chaîne d'approvisionnement.",
        (
            "Usine composite de {city1}",
            "Usine d'usinage de {city2}",
            "Centre d'essais et de qualification",
            "Division programmes civils",
            "Division défense",
        ),
        ("Directeur des opérations", "Responsable ingénierie industrielle", "Directeur d'usine"),
        "Accompagner {short} dans sa montée en cadence avec des usines qui ne s'arrêtent pas et consomment un "
        "tiers d'énergie en moins par pièce.",
        (
            (
                "Tenir la montée en cadence dans les délais",
                "Les cadences doivent monter de 40 % en trois ans ; un autoclave ou un banc d'essai arrêté "
                "retarde les livraisons d'avions.",
                "Surveillance de l'état des autoclaves, des bancs d'essai et de leur alimentation",
                "Moins d'arrêts sur les équipements goulots : +3 % de production",
            ),
            (
                "Qualifier vite les nouvelles usines",
                "Chaque nouvelle usine met 18 mois à être qualifiée par les avionneurs.",
                "Ensembles d'automatisation et d'alimentation validés, reproduits depuis l'usine de référence",
                "Nouvelle usine qualifiée trois mois plus tôt",
            ),
            (
                "Diviser par deux l'énergie des bancs d'essai et des autoclaves",
                "Les prix de l'énergie ont triplé le coût de fonctionnement du centre d'essais.",
                "Récupération de chaleur et rénovation des entraînements des autoclaves et des bancs",
                "Énergie par pièce en baisse de 25 à 35 %",
            ),
            (
                "Protéger les usines des cyberattaques",
                "Les clients de la défense exigent une sécurité industrielle certifiée sur chaque réseau de "
                "production.",
                "Évaluation et surveillance de la sécurité industrielle aux normes de la défense",
                "Conformité aux exigences cyber de la défense",
            ),
        ),
        (
            ("Augmenter la disponibilité des équipements goulots", "Disponibilité des autoclaves", "%"),
            ("Réduire l'énergie par pièce produite", "Énergie par pièce type", "kWh"),
            ("Raccourcir les réparations des bancs d'essai", "Temps moyen de réparation", "heures"),
        ),
    ),
    "health": _sector(
        "health",
        SECTOR_LABELS["health"],
        "{name} exploite des hôpitaux et cliniques privés ; blocs opératoires, imagerie et soins intensifs "
        "exigent une alimentation électrique sans faille.",
        "Soins privés et conventionnés ({country}) ; croît en rachetant des cliniques indépendantes.",
        (
            "Hôpital de {city1}",
            "Clinique de {city2}",
            "Centres de chirurgie ambulatoire",
            "Imagerie et diagnostic",
            "Services techniques et ingénierie biomédicale",
        ),
        ("Directeur des opérations", "Directeur des services techniques", "Directeur d'hôpital"),
        "Des cliniques où l'électricité et le confort ne sont jamais un sujet pour les soignants, et dont les "
        "coûts d'énergie baissent chaque année.",
        (
            (
                "Zéro coupure électrique dans les soins critiques",
                "Les blocs opératoires et la réanimation ne peuvent pas perdre l'alimentation, même une seconde.",
                "Architecture d'alimentation critique avec sources redondantes et surveillance",
                "Conformité aux règles de sécurité hospitalière, aucun bloc à l'arrêt",
            ),
            (
                "Intégrer vite les cliniques rachetées",
                "Chaque clinique rachetée arrive avec ses installations, ses contrats et ses constats d'audit.",
                "Un même cadre de maintenance et de conformité appliqué à chaque nouvelle clinique en six mois",
                "Intégration plus rapide de six mois ; audits réussis du premier coup",
            ),
            (
                "Réduire le coût de l'énergie malgré un fonctionnement 24 h/24",
                "L'énergie est le coût qui augmente le plus vite après le personnel.",
                "Gestion technique des bâtiments et optimisation du chauffage et de la climatisation",
                "Facture d'énergie en baisse de 15 % par lit",
            ),
            (
                "Libérer les soignants des incidents techniques",
                "Les infirmières perdent du temps à appeler les techniciens pour des alarmes et des pannes.",
                "Télésurveillance avec un centre de service 24 h/24",
                "Moins d'appels techniques des soignants",
            ),
        ),
        (
            (
                "Supprimer les coupures électriques dans les blocs",
                "Incidents électriques en zones critiques",
                "incidents",
            ),
            ("Réduire le coût de l'énergie par lit", "Coût de l'énergie par lit", "€ par lit"),
            ("Intégrer les cliniques rachetées", "Cliniques au standard du groupe", "%"),
        ),
    ),
    "animal": _sector(
        "animal",
        SECTOR_LABELS["animal"],
        "{name} négocie et achète pour plusieurs centaines de cliniques vétérinaires et de distributeurs de "
        "santé animale, des médicaments aux équipements et aux travaux.",
        "Cliniques vétérinaires et coopératives d'élevage ({country}) ; les adhérents sont indépendants et "
        "libres d'acheter hors du groupe.",
        (
            "Réseau de cliniques pour animaux de compagnie",
            "Coopératives d'élevage et rurales",
            "Entrepôt central de {city1}",
            "Services aux adhérents",
            "Plateformes régionales {country}",
        ),
        ("Directeur des opérations", "Responsable des services techniques aux adhérents", "Directeur d'entrepôt"),
        "Offrir aux adhérents du groupement {short} une offre d'énergie et de maintenance qu'aucune clinique "
        "indépendante n'obtiendrait seule.",
        (
            (
                "Offrir aux adhérents de meilleurs prix que seuls",
                "Les adhérents ne restent que si les prix du groupe battent ceux qu'ils négocient eux-mêmes.",
                "Prix d'accord-cadre groupe avec paliers de volume pour tous les adhérents",
                "Les adhérents économisent 8 à 12 % sur les travaux électriques et la maintenance",
            ),
            (
                "Aider les cliniques à réduire leur facture d'énergie",
                "Les petites cliniques ont été durement touchées par les prix de l'énergie ; beaucoup demandent "
                "l'aide du groupe.",
                "Offre de rénovation packagée (éclairage, chauffage et climatisation, comptage) pour les petites "
                "cliniques",
                "Facture d'énergie en baisse de 20 % par clinique",
            ),
            (
                "Garder vaccins et médicaments à la bonne température",
                "Les ruptures de la chaîne du froid détruisent du stock et mettent les animaux en danger.",
                "Surveillance des chambres froides et réfrigérateurs avec alertes",
                "Aucun stock perdu à cause de la chaîne du froid",
            ),
        ),
        (
            (
                "Faire adhérer les cliniques à l'offre de rénovation",
                "Cliniques adhérentes inscrites",
                "%",
            ),
            ("Éviter les pertes de la chaîne du froid", "Stock perdu par rupture de la chaîne du froid", "k€"),
        ),
    ),
    "energy": _sector(
        "energy",
        SECTOR_LABELS["energy"],
        "{name} produit et distribue électricité et gaz, et construit des capacités éoliennes, solaires et de "
        "stockage.",
        "Production et réseaux ({country}) ; les renouvelables croissent de 15 % par an ; l'activité réseau "
        "est régulée.",
        (
            "Division renouvelables",
            "Réseaux et postes",
            "Parc éolien de {city1}",
            "Site de stockage de {city2}",
            "Commercialisation et services",
        ),
        ("Directeur des opérations", "Responsable ingénierie réseau", "Directeur de site"),
        "Raccorder plus vite les renouvelables du groupe {short} et exploiter un réseau plus intelligent et plus sûr, "
        "avec une offre commune de services énergétiques pour ses clients professionnels.",
        (
            (
                "Raccorder 2 GW de renouvelables d'ici 2028",
                "Les parcs sont construits mais attendent leurs postes.",
                "Ensembles postes et raccordement pour parcs éoliens et solaires",
                "Parcs raccordés six mois plus tôt",
            ),
            (
                "Numériser le réseau de distribution",
                "Le régulateur récompense la baisse des minutes de coupure.",
                "Supervision et analyse des postes de distribution",
                "Minutes de coupure en baisse de 25 %",
            ),
            (
                "Rendre la maintenance terrain plus sûre et moins chère",
                "Trop de déplacements de camions pour des pannes que nous aurions pu prévoir.",
                "Maintenance conditionnelle des postes",
                "Un tiers d'interventions imprévues en moins",
            ),
            (
                "Proposer des services énergétiques à nos clients professionnels",
                "Les marges de commercialisation fondent ; les services sont le moteur de croissance.",
                "Offre commune de micro-réseaux et de stockage pour ses clients professionnels",
                "Nouveau chiffre d'affaires de services avec la technologie d'un partenaire",
            ),
        ),
        (
            ("Raccorder les capacités renouvelables", "Capacité renouvelable raccordée", "MW"),
            ("Réduire les minutes de coupure", "Minutes de coupure par client", "min"),
            ("Réduire les interventions imprévues", "Interventions terrain imprévues", "interventions"),
        ),
    ),
    "bank": _sector(
        "bank",
        SECTOR_LABELS["bank"],
        "{name} est une banque de détail et d'entreprises, avec un réseau d'agences, des sièges et deux "
        "centres de données.",
        "Banque de détail et d'entreprises ({country} et pays voisins) ; les agences reculent, les canaux "
        "numériques progressent.",
        (
            "Siège de {city1}",
            "Centres de données",
            "Réseau d'agences",
            "Immobilier d'exploitation",
            "Banque de détail {country}",
        ),
        ("Directeur des opérations", "Responsable de l'immobilier d'exploitation", "Directeur des services généraux"),
        "Une banque dont les bâtiments consomment un tiers d'énergie en moins et dont les centres de données "
        "ne s'arrêtent jamais.",
        (
            (
                "Réduire de 30 % la facture énergétique de l'immobilier",
                "Le conseil s'y est engagé dans le dernier rapport annuel.",
                "Gestion technique et rénovation des sièges et des agences",
                "Facture d'énergie en baisse de 30 % en quatre ans",
            ),
            (
                "Satisfaire aux nouvelles règles de résilience opérationnelle",
                "Les régulateurs auditent désormais la résilience de nos centres de données.",
                "Renforcement de l'alimentation critique et surveillance des deux centres de données",
                "Audit de résilience réussi, aucune coupure",
            ),
            (
                "Tenir notre engagement zéro émission nette pour nos propres activités",
                "Nos investisseurs comparent aussi les banques sur leurs propres émissions.",
                "Reporting énergie et carbone de tous les bâtiments",
                "Reporting carbone prêt pour l'audit",
            ),
        ),
        (
            ("Réduire l'énergie du parc immobilier", "Consommation d'énergie des bâtiments", "MWh"),
            ("Zéro coupure des centres de données", "Minutes de coupure des centres de données", "min"),
        ),
    ),
    "insurance": _sector(
        "insurance",
        SECTOR_LABELS["insurance"],
        "{name} assure particuliers et entreprises ; il exploite des bureaux, des centres de gestion des "
        "sinistres et un centre de données, et conseille ses clients entreprises en prévention des risques.",
        "Assurance dommages et vie ({country}) ; les services de prévention des risques progressent.",
        (
            "Siège de {city1}",
            "Centres de gestion des sinistres",
            "Informatique et centre de données",
            "Division clients entreprises",
            "Bureaux régionaux",
        ),
        ("Directeur des opérations", "Responsable des services généraux", "Directeur des services généraux"),
        "Moins d'incendies d'origine électrique chez les entreprises assurées par {short}, et des bureaux qui "
        "consomment moins d'énergie.",
        (
            (
                "Réduire les sinistres dus aux incendies électriques chez les entreprises assurées",
                "Les incendies électriques sont nos sinistres les plus coûteux sur le segment entreprises.",
                "Surveillance thermique et électrique proposée aux entreprises assurées",
                "Moins de sinistres incendie ; la prévention comme argument de vente",
            ),
            (
                "Réduire la consommation d'énergie de nos bureaux",
                "Les bureaux sont à moitié vides depuis le travail hybride, mais entièrement chauffés.",
                "Gestion technique des bâtiments selon l'occupation",
                "Énergie des bureaux en baisse de 25 %",
            ),
            (
                "Garder notre centre de données disponible",
                "La gestion des sinistres s'arrête quand le centre de données s'arrête.",
                "Renforcement de l'alimentation critique avec surveillance",
                "Aucune coupure des systèmes de gestion des sinistres",
            ),
        ),
        (
            (
                "Réduire les sinistres incendie d'origine électrique",
                "Sinistres incendie d'origine électrique",
                "sinistres",
            ),
            ("Réduire l'énergie des bureaux", "Consommation d'énergie des bureaux", "MWh"),
        ),
    ),
}


# --- the programme as a business case, in a programme created in French ---------------------------

PROGRAMME_AMBITION = (
    "Grandir avec les clients qui font nos marchés : une courte liste de comptes stratégiques qui croissent "
    "deux fois plus vite que l'entreprise, chacun avec un plan à trois ans convenu avec le client et un sponsor "
    "dirigeant."
)
PROGRAMME_FINAL_AMBITION = (
    "Créer de la valeur avec nos clients stratégiques plutôt que leur vendre : des offres conçues ensemble, "
    "leurs objectifs d'énergie et de disponibilité inscrits dans notre feuille de route, et une place à la "
    "table de leurs décisions d'investissement."
)
TARGET_NAMES = {
    "strategic_revenue_share": "Chiffre d'affaires réalisé avec les comptes stratégiques",
    "strategic_growth_ratio": "Croissance des comptes stratégiques rapportée à la croissance organique",
    "handshake_coverage": "Comptes stratégiques avec un handshake convenu",
    "sponsor_coverage": "Comptes stratégiques avec un sponsor dirigeant",
    "plans_filled": "Remplissage moyen des plans des comptes stratégiques",
    "strategic_per_kam": "Comptes stratégiques par KAM",
    "custom": "Projets d'innovation conjoints",
}
TARGET_UNITS = {"strategic_per_kam": "comptes", "custom": "projets"}  # the others: % or ×
