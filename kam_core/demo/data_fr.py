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
