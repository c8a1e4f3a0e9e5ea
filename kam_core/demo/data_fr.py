"""The demo's texts in French, for a programme created in French: what its French customers' accounts
(``POOL_OF_COUNTRY`` "fr": France, Luxembourg) are written in. Same shapes and keys as their English
originals in ``kam_core.demo.data`` (criteria keyed by their English default name); a table not
translated here stays English."""

from __future__ import annotations

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
SIZE_RATIONALE = "Environ {spend} M EUR par an dépensés dans nos catégories, sur {units} divisions et sites"
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
    "après deux incidents à {unit}.",
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
    ("Présenter les résultats de l'audit énergétique de {site} et convenir de la suite", "any"),
    ("Présenter notre feuille de route {offer} et tester l'intérêt pour un pilote", "any"),
    ("Revue trimestrielle : niveaux de service, projets et opportunités", "customer"),
    ("S'accorder sur les objectifs et engagements communs du plan de compte", "customer"),
    ("Visiter {site} pour voir le pilote en marche et rencontrer l'équipe du site", "customer"),
]
OUTCOMES = [
    ("{cust} a confirmé « {priority} » comme priorité de l'an prochain et demandé une proposition chiffrée.", "any"),
    (
        "Réunion constructive ; {cust} veut étendre le pilote à un deuxième site, budget à confirmer par la finance.",
        "customer",
    ),
    (
        "{cust} a soulevé les délais d'intervention à {site} ; nous nous sommes engagés sur un plan sous 30 jours.",
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
    ("{cust} est ouvert à un premier pilote à {site} si nous apportons une proposition chiffrée.", "any"),
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
    ("Visite de site à {site} avec {cust}", "any"),
    ("Échange informel avec {cust} au salon professionnel", "any"),
    ("Préparer la prochaine revue du compte avec {cust}", "customer"),
]
ASKS = [
    ("Demander à {cust} d'organiser une rencontre avec son directeur financier sur l'accord pluriannuel.", "customer"),
    ("Obtenir l'accord de {cust} pour étendre le pilote à tous les sites en {country}.", "customer"),
    ("Obtenir de leur côté un chef de projet nommé pour « {priority} ».", "any"),
    ("Demander l'accès aux données de comptage des trois plus grands sites.", "any"),
    ("Obtenir une invitation à présenter lors de leur journée innovation fournisseurs.", "any"),
    ("Confirmer que {cust} signera le plan de compte au prochain comité de pilotage.", "customer"),
]
CANCEL_REASONS = [
    "Annulé par le client : {cust} a été convoqué à un conseil d'administration extraordinaire.",
    "Annulé : grève à {site} ; pas encore reprogrammé.",
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
        ("Base installée sur la plupart des sites ; nos équipements sont la référence à {unit}", "strong"),
        ("L'ingénierie nous fait confiance ; le responsable énergie défend nos solutions", "strong"),
        ("Notre plateforme de suivi connecte déjà {n} de ses sites", "strong"),
        ("Projet de référence livré dans les délais et le budget l'an dernier", "any"),
        ("Seul fournisseur capable de servir tous ses pays avec un même niveau de service", "any"),
        ("Bons premiers contacts avec l'équipe d'ingénierie à {unit}", "weak"),
        ("Notre pilote à {unit} a été bien reçu par l'équipe du site", "weak"),
    ],
    "weakness": [
        ("Aucune relation au-dessus des achats", "weak"),
        ("Absents de la liste des fournisseurs agréés pour {offer}", "weak"),
        ("Délais d'intervention critiqués à {unit}", "any"),
        ("Nos prix jugés 10 à 15 % au-dessus de {competitor}", "any"),
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
        "Qualifier l'opportunité de {unit} avec l'équipe du site",
        "Préparer le dossier de renouvellement de l'accord-cadre",
        "Présenter au directeur financier les économies des projets de l'an dernier",
    ],
    "share_of_wallet": [
        "Cartographier les positions des concurrents unité par unité",
        "Proposer un accord-cadre multisite",
        "Comparer nos prix à ceux de {competitor}",
        "Entrer sur la liste des fournisseurs agréés pour {offer}",
    ],
    "relationship": [
        "Briefer {sponsor} avant la rencontre avec le {ops}",
        "Organiser pour le {ops} une visite de référence chez un client",
        "Inviter le directeur RSE à notre journée innovation",
        "Cartographier le centre de décision à {unit}",
    ],
    "co_innovation": [
        "Rédiger le périmètre du pilote avec le responsable énergie",
        "Faire signer l'accord de partage des données",
        "Planifier la revue du pilote avec les deux sponsors",
        "Préparer le dossier économique du pilote pour le directeur financier",
    ],
}
