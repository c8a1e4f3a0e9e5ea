"""The column headers the import recognises, per kind of file and per target field.

``propose_mapping`` (``kam_core.exchange.importing``) compares headers after folding them with
``fold_header``: capitals, accents, spaces, underscores, dots and any other punctuation do not
count, so "Billing Country", "BillingCountry", "billing_country" and "Billing.Country" are one
header, and "Secteur d'activité" is "secteurdactivite". Within a target the variants are listed
best first: when a file holds two of them (Dynamics' "Actual Revenue" and "Est. Revenue"), the
first listed wins the target and the other is reported as an ignored column. Dynamics' actual
revenue and close date win over the estimated ones (a won deal's actual figures are the true
ones); a row whose actual cell is empty (an open deal) takes the estimated one, when that column
is in the file and not mapped to anything else (``kam_core.exchange.importing``). A header is used
for one target only. The mapping is only a proposal: the caller may change it before importing.

Deliberately left out:

- Salesforce's ``AnnualRevenue`` and HubSpot's / Dynamics' "Annual Revenue": they hold the
  customer's own turnover (a firmographic field), not what the customer buys from us; mapped to
  ``revenue`` they would overwrite the account's revenue with its company size. Map them by hand
  if a CRM really holds our revenue there.
- Salesforce's ``OwnerId``: a user id (005...), never the name or e-mail of one of our KAMs.
- Salesforce's opportunity ``Type`` ("New Business", "Existing Business"): not the kind of a
  revenue line. For accounts, ``Type`` ("Customer - Direct", "Prospect") is the status.

The table below is generated from ``SYNONYMS`` (a unit test keeps them equal).

<!-- synonyms table -->
| kind     | target          | headers recognised (best first)                                         |
| -------- | --------------- | ----------------------------------------------------------------------- |
| accounts | crm_id          | Id; Account ID; Account.Id; accountid; (Do Not Modify) Account; Record  |
|          |                 | ID; Company ID; CRM ID; CRM Id; External ID; Identifiant; Identifiant   |
|          |                 | CRM; ID client; Code client; Numéro client; N° client; Account Number   |
| accounts | name            | Name; Account Name; Account; Company name; Company; Name of company;    |
|          |                 | Raison sociale; Nom du compte; Nom de l'entreprise; Nom de la société;  |
|          |                 | Société; Entreprise; Dénomination; Dénomination sociale; Client; Compte |
| accounts | parent_crm_id   | ParentId; Parent Account ID; Parent.Id; parentaccountid; Parent Company |
|          |                 | ID; Parent ID; Identifiant société mère; ID société mère; Identifiant   |
|          |                 | maison mère; ID parent                                                  |
| accounts | parent_name     | Parent Account; Parent.Name; Parent Account Name; Parent Company;       |
|          |                 | Parent Company Name; Parent; Société mère; Maison mère; Compte parent;  |
|          |                 | Tête de groupe                                                          |
| accounts | group_name      | Group; Group name; Account Group; Groupe; Nom du groupe                 |
| accounts | sector          | Industry; Sector; Industry Sector; Secteur; Secteur d'activité;         |
|          |                 | Industrie; Activité; Branche                                            |
| accounts | country         | BillingCountry; Billing Country; Country; Country/Region; Address 1:    |
|          |                 | Country/Region; Country Code; BillingCountryCode; Billing Country Code; |
|          |                 | Pays; Pays de facturation; Code pays; ShippingCountry; Shipping Country |
| accounts | kam             | KAM; Key Account Manager; KAM Email; Owner.Name; Owner Name; Account    |
|          |                 | Owner; Company owner; Owner; Owner Email; Owner.Email; Account Owner    |
|          |                 | Email; Responsable du compte; Responsable; Propriétaire; Chargé de      |
|          |                 | compte; Commercial                                                      |
| accounts | status          | Status; Account Status; Type; Account Type; Relationship Type;          |
|          |                 | Lifecycle Stage; Status Reason; Statut; Type de compte; Type de client  |
| accounts | revenue         | Revenue; Our Revenue; Revenue with us; Sales; Annual Sales; Chiffre     |
|          |                 | d'affaires; CA; CA annuel; Chiffre d'affaires annuel; CA réalisé;       |
|          |                 | Ventes                                                                  |
| accounts | revenue_year    | Revenue Year; Year; Fiscal Year; Année; Année du CA; Exercice           |
| accounts | potential_3y    | Potential; 3-year potential; Potential 3y; Potential (3 years);         |
|          |                 | Potentiel; Potentiel 3 ans; Potentiel à 3 ans                           |
| accounts | margin_pct      | Margin %; Margin; Margin (%); Gross Margin %; Marge %; Marge; Taux de   |
|          |                 | marge                                                                   |
| accounts | notes           | Notes; Note; Description; Comments; Comment; Commentaires; Commentaire; |
|          |                 | Remarques; Observations                                                 |
| contacts | crm_id          | Id; Contact ID; Contact.Id; contactid; (Do Not Modify) Contact; Record  |
|          |                 | ID; CRM ID; External ID; Identifiant; Identifiant contact; ID contact   |
| contacts | account_crm_id  | AccountId; Account ID; Account.Id; parentcustomerid; Associated Company |
|          |                 | ID; Company ID; Identifiant société; Identifiant compte; ID société; ID |
|          |                 | client; Code client                                                     |
| contacts | account_name    | Account Name; Account.Name; Account; Company Name; Company; Associated  |
|          |                 | Company; Primary Associated Company; Société; Entreprise; Raison        |
|          |                 | sociale; Compte; Client                                                 |
| contacts | name            | Name; Full Name; Contact Name; Contact; Nom complet; Nom et prénom;     |
|          |                 | Prénom et nom                                                           |
| contacts | first_name      | FirstName; First Name; Given Name; Prénom                               |
| contacts | last_name       | LastName; Last Name; Surname; Family Name; Nom; Nom de famille          |
| contacts | title           | Title; Job Title; Position; Fonction; Poste; Titre; Intitulé de poste   |
| contacts | unit            | Department; Unit; Business Unit; Division; Service; Direction;          |
|          |                 | Département                                                             |
| contacts | email           | Email; E-mail; Email Address; E-mail Address; Mail; Courriel; Adresse   |
|          |                 | e-mail; Adresse email; Adresse électronique                             |
| contacts | role            | Buying Role; Role; Contact Role; Role in buying centre; Rôle; Rôle      |
|          |                 | d'achat; Rôle dans la décision                                          |
| contacts | owner           | Owner.Name; Owner Name; Contact owner; Owner; Relationship owner;       |
|          |                 | Propriétaire; Responsable; Suivi par                                    |
| revenue  | crm_id          | Id; Opportunity ID; Opportunity.Id; opportunityid; (Do Not Modify)      |
|          |                 | Opportunity; Record ID; Deal ID; Invoice ID; Invoice Number; Invoice    |
|          |                 | No; CRM ID; External ID; Identifiant; N° facture; Numéro de facture;    |
|          |                 | Référence; Réf                                                          |
| revenue  | account_crm_id  | AccountId; Account ID; Account.Id; parentaccountid; customerid;         |
|          |                 | Associated Company ID; Company ID; Identifiant client; Identifiant      |
|          |                 | compte; ID client; Code client                                          |
| revenue  | account_name    | Account Name; Account.Name; Account; Associated Company; Company;       |
|          |                 | Company Name; Potential Customer; Customer; Client; Société; Raison     |
|          |                 | sociale; Compte; Nom du client                                          |
| revenue  | label           | Name; Opportunity Name; Deal Name; Topic; Label; Description; Subject;  |
|          |                 | Libellé; Intitulé; Affaire; Objet; Désignation                          |
| revenue  | amount          | Amount; Deal Amount; Value; Actual Revenue; Est. Revenue; Estimated     |
|          |                 | Revenue; Invoice Amount; Net Amount; Montant; Montant HT; Montant net;  |
|          |                 | Valeur; CA; Chiffre d'affaires                                          |
| revenue  | date            | CloseDate; Close Date; Date; Invoice Date; Actual Close Date; Est.      |
|          |                 | Close Date; Estimated Close Date; Date de clôture; Date de cloture      |
|          |                 | prévue; Date de facture; Date facture; Date de signature                |
| revenue  | kind            | Kind; Line Kind; Line Type; Revenue Kind; Nature; Type de ligne; Type   |
|          |                 | de montant                                                              |
| revenue  | stage           | StageName; Stage; Deal Stage; Opportunity Stage; Status Reason; Status; |
|          |                 | Étape; Étape de vente; Phase; Statut                                    |
| revenue  | probability_pct | Probability; Probability (%); Probability %; Deal probability; Close    |
|          |                 | Probability; Probabilité; Probabilité (%); Proba                        |
| revenue  | is_won          | IsWon; Is Won; Won; Is Closed Won; Gagné; Gagnée                        |
| revenue  | is_closed       | IsClosed; Is Closed; Closed; Is Deal Closed?; Clôturé; Clôturée; Fermé  |
<!-- end of synonyms table -->
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+")


def fold_header(header: str) -> str:
    """A header folded for matching: 'Secteur d’activité' -> 'secteurdactivite',
    'Address 1: Country/Region' -> 'address1countryregion'."""
    decomposed = unicodedata.normalize("NFKD", str(header))
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub("", without_accents.casefold())


SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "crm_id": (
            "Id",
            "Account ID",
            "Account.Id",
            "accountid",
            "(Do Not Modify) Account",
            "Record ID",
            "Company ID",
            "CRM ID",
            "CRM Id",
            "External ID",
            "Identifiant",
            "Identifiant CRM",
            "ID client",
            "Code client",
            "Numéro client",
            "N° client",
            "Account Number",
        ),
        "name": (
            "Name",
            "Account Name",
            "Account",
            "Company name",
            "Company",
            "Name of company",
            "Raison sociale",
            "Nom du compte",
            "Nom de l'entreprise",
            "Nom de la société",
            "Société",
            "Entreprise",
            "Dénomination",
            "Dénomination sociale",
            "Client",
            "Compte",
        ),
        "parent_crm_id": (
            "ParentId",
            "Parent Account ID",
            "Parent.Id",
            "parentaccountid",
            "Parent Company ID",
            "Parent ID",
            "Identifiant société mère",
            "ID société mère",
            "Identifiant maison mère",
            "ID parent",
        ),
        "parent_name": (
            "Parent Account",
            "Parent.Name",
            "Parent Account Name",
            "Parent Company",
            "Parent Company Name",
            "Parent",
            "Société mère",
            "Maison mère",
            "Compte parent",
            "Tête de groupe",
        ),
        "group_name": ("Group", "Group name", "Account Group", "Groupe", "Nom du groupe"),
        "sector": (
            "Industry",
            "Sector",
            "Industry Sector",
            "Secteur",
            "Secteur d'activité",
            "Industrie",
            "Activité",
            "Branche",
        ),
        "country": (
            "BillingCountry",
            "Billing Country",
            "Country",
            "Country/Region",
            "Address 1: Country/Region",
            "Country Code",
            "BillingCountryCode",
            "Billing Country Code",
            "Pays",
            "Pays de facturation",
            "Code pays",
            "ShippingCountry",
            "Shipping Country",
        ),
        "kam": (
            "KAM",
            "Key Account Manager",
            "KAM Email",
            "Owner.Name",
            "Owner Name",
            "Account Owner",
            "Company owner",
            "Owner",
            "Owner Email",
            "Owner.Email",
            "Account Owner Email",
            "Responsable du compte",
            "Responsable",
            "Propriétaire",
            "Chargé de compte",
            "Commercial",
        ),
        "status": (
            "Status",
            "Account Status",
            "Type",
            "Account Type",
            "Relationship Type",
            "Lifecycle Stage",
            "Status Reason",
            "Statut",
            "Type de compte",
            "Type de client",
        ),
        "revenue": (
            "Revenue",
            "Our Revenue",
            "Revenue with us",
            "Sales",
            "Annual Sales",
            "Chiffre d'affaires",
            "CA",
            "CA annuel",
            "Chiffre d'affaires annuel",
            "CA réalisé",
            "Ventes",
        ),
        "revenue_year": ("Revenue Year", "Year", "Fiscal Year", "Année", "Année du CA", "Exercice"),
        "potential_3y": (
            "Potential",
            "3-year potential",
            "Potential 3y",
            "Potential (3 years)",
            "Potentiel",
            "Potentiel 3 ans",
            "Potentiel à 3 ans",
        ),
        "margin_pct": ("Margin %", "Margin", "Margin (%)", "Gross Margin %", "Marge %", "Marge", "Taux de marge"),
        "notes": (
            "Notes",
            "Note",
            "Description",
            "Comments",
            "Comment",
            "Commentaires",
            "Commentaire",
            "Remarques",
            "Observations",
        ),
    },
    "contacts": {
        "crm_id": (
            "Id",
            "Contact ID",
            "Contact.Id",
            "contactid",
            "(Do Not Modify) Contact",
            "Record ID",
            "CRM ID",
            "External ID",
            "Identifiant",
            "Identifiant contact",
            "ID contact",
        ),
        "account_crm_id": (
            "AccountId",
            "Account ID",
            "Account.Id",
            "parentcustomerid",
            "Associated Company ID",
            "Company ID",
            "Identifiant société",
            "Identifiant compte",
            "ID société",
            "ID client",
            "Code client",
        ),
        "account_name": (
            "Account Name",
            "Account.Name",
            "Account",
            "Company Name",
            "Company",
            "Associated Company",
            "Primary Associated Company",
            "Société",
            "Entreprise",
            "Raison sociale",
            "Compte",
            "Client",
        ),
        "name": ("Name", "Full Name", "Contact Name", "Contact", "Nom complet", "Nom et prénom", "Prénom et nom"),
        "first_name": ("FirstName", "First Name", "Given Name", "Prénom"),
        "last_name": ("LastName", "Last Name", "Surname", "Family Name", "Nom", "Nom de famille"),
        "title": ("Title", "Job Title", "Position", "Fonction", "Poste", "Titre", "Intitulé de poste"),
        "unit": ("Department", "Unit", "Business Unit", "Division", "Service", "Direction", "Département"),
        "email": (
            "Email",
            "E-mail",
            "Email Address",
            "E-mail Address",
            "Mail",
            "Courriel",
            "Adresse e-mail",
            "Adresse email",
            "Adresse électronique",
        ),
        "role": (
            "Buying Role",
            "Role",
            "Contact Role",
            "Role in buying centre",
            "Rôle",
            "Rôle d'achat",
            "Rôle dans la décision",
        ),
        "owner": (
            "Owner.Name",
            "Owner Name",
            "Contact owner",
            "Owner",
            "Relationship owner",
            "Propriétaire",
            "Responsable",
            "Suivi par",
        ),
    },
    "revenue": {
        "crm_id": (
            "Id",
            "Opportunity ID",
            "Opportunity.Id",
            "opportunityid",
            "(Do Not Modify) Opportunity",
            "Record ID",
            "Deal ID",
            "Invoice ID",
            "Invoice Number",
            "Invoice No",
            "CRM ID",
            "External ID",
            "Identifiant",
            "N° facture",
            "Numéro de facture",
            "Référence",
            "Réf",
        ),
        "account_crm_id": (
            "AccountId",
            "Account ID",
            "Account.Id",
            "parentaccountid",
            "customerid",
            "Associated Company ID",
            "Company ID",
            "Identifiant client",
            "Identifiant compte",
            "ID client",
            "Code client",
        ),
        "account_name": (
            "Account Name",
            "Account.Name",
            "Account",
            "Associated Company",
            "Company",
            "Company Name",
            "Potential Customer",
            "Customer",
            "Client",
            "Société",
            "Raison sociale",
            "Compte",
            "Nom du client",
        ),
        "label": (
            "Name",
            "Opportunity Name",
            "Deal Name",
            "Topic",
            "Label",
            "Description",
            "Subject",
            "Libellé",
            "Intitulé",
            "Affaire",
            "Objet",
            "Désignation",
        ),
        "amount": (
            "Amount",
            "Deal Amount",
            "Value",
            "Actual Revenue",
            "Est. Revenue",
            "Estimated Revenue",
            "Invoice Amount",
            "Net Amount",
            "Montant",
            "Montant HT",
            "Montant net",
            "Valeur",
            "CA",
            "Chiffre d'affaires",
        ),
        "date": (
            "CloseDate",
            "Close Date",
            "Date",
            "Invoice Date",
            "Actual Close Date",
            "Est. Close Date",
            "Estimated Close Date",
            "Date de clôture",
            "Date de cloture prévue",
            "Date de facture",
            "Date facture",
            "Date de signature",
        ),
        "kind": ("Kind", "Line Kind", "Line Type", "Revenue Kind", "Nature", "Type de ligne", "Type de montant"),
        "stage": (
            "StageName",
            "Stage",
            "Deal Stage",
            "Opportunity Stage",
            "Status Reason",
            "Status",
            "Étape",
            "Étape de vente",
            "Phase",
            "Statut",
        ),
        "probability_pct": (
            "Probability",
            "Probability (%)",
            "Probability %",
            "Deal probability",
            "Close Probability",
            "Probabilité",
            "Probabilité (%)",
            "Proba",
        ),
        "is_won": ("IsWon", "Is Won", "Won", "Is Closed Won", "Gagné", "Gagnée"),
        "is_closed": ("IsClosed", "Is Closed", "Closed", "Is Deal Closed?", "Clôturé", "Clôturée", "Fermé"),
    },
}


def synonyms_table(width: int = 71) -> str:
    """``SYNONYMS`` as the Markdown table of this module's docstring."""
    lines = [
        f"| {'kind':<8} | {'target':<15} | {'headers recognised (best first)':<{width}} |",
        f"| {'-' * 8} | {'-' * 15} | {'-' * width} |",
    ]
    for kind, targets in SYNONYMS.items():
        for target, headers in targets.items():
            wrapped = textwrap.wrap("; ".join(headers), width) or [""]
            for index, chunk in enumerate(wrapped):
                first = index == 0
                lines.append(f"| {kind if first else '':<8} | {target if first else '':<15} | {chunk:<{width}} |")
    return "\n".join(lines)
