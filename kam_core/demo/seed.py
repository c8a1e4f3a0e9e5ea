"""A deterministic demo portfolio: about 30 fictional key accounts, fully planned.

``seed_demo`` fills every table of ``kam_core.store.models`` from the constants below, a
``random.Random(rng_seed)`` and dates computed from ``today``: the same seed and the
same day always give the same rows (only ``created_at``/``updated_at`` differ).

We are the supplier: a maker of energy-management and industrial equipment that also
sells digital and field services. Every company and person below is invented.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from kam_core.store import models as m
from kam_core.programme.defaults import install_defaults
from kam_core.programme.periods import period_of, shift_period
from kam_core.common.text import fold_name


class SeedError(Exception):
    """The demo portfolio can only be loaded into a database without accounts."""


# --- our side --------------------------------------------------------------------------------

# key, name, region
KAMS = [
    ("fontaine", "Claire Fontaine", "France"),
    ("brenner", "Markus Brenner", "DACH"),
    ("marchetti", "Sofia Marchetti", "Southern Europe"),
    ("whitfield", "James Whitfield", "UK, Ireland & Nordics"),
    ("kowalska", "Ana Kowalska", "Benelux & Central Europe"),
    ("okafor", "Daniel Okafor", "Global accounts"),
]

# key, name, title, function, max_accounts
EXECUTIVES = [
    ("duval", "Hélène Duval", "Chief Executive Officer", "General management", 2),
    ("berger", "Thomas Berger", "Chief Financial Officer", "Finance", 2),
    ("navarro", "Isabel Navarro", "Chief Operating Officer", "Operations", 3),
    ("lindqvist", "Erik Lindqvist", "Chief Technology Officer", "Technology", 3),
    ("osei", "Richard Osei", "EVP Sales", "Sales", 4),
    ("rahman", "Nadia Rahman", "EVP Digital Services", "Digital", 3),
    ("vandijk", "Pieter van Dijk", "Chief Supply Chain Officer", "Supply chain", 2),
]

# Solution engineers and service managers who own technical relationships.
OUR_TEAM = ["Julien Roux", "Katrin Vogel", "Marco Bellini", "Emma Clarke", "Lucas Peeters", "Aisha Mensah"]

# key: (name, family)
OFFERS = {
    "switchgear": ("Medium-voltage switchgear & power distribution", "Energy management"),
    "metering": ("Energy metering & monitoring", "Energy management"),
    "microgrid": ("Microgrids & battery storage", "Energy management"),
    "automation": ("Process & machine automation", "Industrial automation"),
    "bms": ("Building management systems", "Industrial automation"),
    "analytics": ("Energy analytics platform (SaaS)", "Digital services"),
    "predictive": ("Predictive maintenance service", "Digital services"),
    "otsec": ("OT cybersecurity services", "Digital services"),
    "maintenance": ("Multi-site maintenance contracts", "Field services"),
    "retrofit": ("Energy-efficiency retrofits", "Field services"),
}

# --- sectors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prio:
    """A customer priority (in its words) and what we bring to it."""

    title: str
    description: str
    offer: str  # key of OFFERS
    what_we_bring: str
    customer_value: str
    value_share: float  # value for the customer, as a share of its yearly category spend


@dataclass(frozen=True)
class Sector:
    label: str
    business: str  # placeholders: name, short, country
    markets: str
    units: tuple[tuple[str, str], ...]  # (name template with city1/city2/country, kind)
    ops_title: str
    eng_title: str
    site_title: str
    vision: str
    priorities: tuple[Prio, ...]
    # (title, kpi, unit, baseline, target)
    joint_objectives: tuple[tuple[str, str, str, float, float], ...]
    not_relevant: tuple[str, ...] = ()  # offers that make no sense in this sector


SECTORS = {
    "auto": Sector(
        label="Automotive",
        business="{name} designs and assembles passenger cars and light commercial vehicles; its plants run "
        "presses, paint shops and assembly lines around the clock.",
        markets="Europe first ({country} is its home market), growing in North Africa and South America; "
        "electric models are 30% of orders and rising.",
        units=(("{city1} assembly plant", "site"), ("{city2} paint & body shop", "site"),
               ("Powertrain division", "division"), ("Battery pack division", "division"),
               ("{country} sales & after-sales", "country")),
        ops_title="EVP Manufacturing",
        eng_title="Head of Plant Engineering",
        site_title="Plant Director",
        vision="Make {short}'s plants the most energy-efficient in European car making, together: less energy "
        "per vehicle, no production stop when lines are electrified, one maintenance standard.",
        priorities=(
            Prio("Cut energy cost per vehicle by 25% by 2028",
                 "Energy is now the second cost line of the plants after labour; the board wants it under control.",
                 "metering", "Sub-metering of presses and paint shops with a monthly energy performance review",
                 "Energy cost per vehicle down 12-18% in two years", 0.08),
            Prio("Electrify the powertrain lines without production stops",
                 "New battery and e-motor lines must go into existing plants during summer shutdowns.",
                 "switchgear", "Prefabricated MV/LV substations installed within shutdown windows",
                 "No production stop; four weeks saved on each line start-up", 0.12),
            Prio("One maintenance standard for all our plants",
                 "Each plant still maintains its equipment its own way; spare parts and skills are duplicated.",
                 "maintenance", "Group maintenance framework with one asset register and one service level",
                 "Spare-parts stock down 20%, fewer breakdowns", 0.06),
            Prio("Carbon-neutral plants by 2030",
                 "Scope 1 and 2 emissions must halve by 2030; investors ask for a credible path.",
                 "microgrid", "On-site solar and storage microgrids for the largest plants",
                 "Up to 30% of plant electricity produced on site", 0.10),
            Prio("Protect plant networks from cyber attacks",
                 "A ransomware attack stopped a competitor's plant for nine days last year.",
                 "otsec", "OT security assessment, segmentation and 24/7 monitoring",
                 "Plant networks certified; insurance premium reduced", 0.03),
        ),
        joint_objectives=(
            ("Cut energy use per vehicle", "Energy per vehicle built", "kWh", 980, 780),
            ("Reduce Scope 2 emissions of the plants", "Scope 2 emissions", "tCO2", 61000, 45000),
            ("Avoid power-related stops on the lines", "Unplanned stops due to power", "hours", 42, 12),
        ),
    ),
    "post": Sector(
        label="Postal & parcels",
        business="{name} delivers letters and parcels, runs sorting hubs and a fleet of delivery vans; parcel "
        "volumes now outweigh mail.",
        markets="Domestic mail and parcels in {country}, and cross-border e-commerce parcels across Europe.",
        units=(("{city1} parcel hub", "site"), ("{city2} sorting centre", "site"), ("Mail division", "division"),
               ("Parcels & e-commerce division", "division"), ("Fleet & depots", "division")),
        ops_title="Chief Operating Officer",
        eng_title="Head of Engineering & Property",
        site_title="Hub Director",
        vision="Make {short}'s network the lowest-carbon parcel network in its markets: an electric fleet charged "
        "in every depot, and hubs that never stop at peak season.",
        priorities=(
            Prio("Electrify the delivery fleet by 2030",
                 "Half of urban delivery vans must be electric by 2027; depots lack the power to charge them.",
                 "switchgear", "Depot charging infrastructure with smart load management",
                 "Depots electrified without costly grid upgrades", 0.15),
            Prio("Keep sorting hubs running at peak season",
                 "A one-hour stop in a hub before Christmas means tens of thousands of late parcels.",
                 "predictive", "Predictive maintenance of sorter drives and their power supply",
                 "Unplanned hub stops down 40%", 0.05),
            Prio("Cut the energy bills of our building network",
                 "Hundreds of post offices and depots with old heating and lighting.",
                 "retrofit", "Energy-efficiency retrofits financed from the savings",
                 "Energy bills down 20%, paid for by the savings", 0.07),
            Prio("Report carbon per parcel to our e-commerce clients",
                 "The largest web retailers now choose carriers on carbon data.",
                 "analytics", "Energy and carbon data platform feeding a carbon-per-parcel figure",
                 "Carbon per parcel reported monthly to top clients", 0.03),
        ),
        joint_objectives=(
            ("Electrify delivery depots", "Depots with charging points", "%", 15, 60),
            ("Keep hubs available at peak", "Hub downtime at peak season", "hours", 30, 10),
            ("Cut building energy use", "Building energy use", "MWh", 120000, 98000),
        ),
    ),
    "aero": Sector(
        label="Aerospace",
        business="{name} designs and manufactures aircraft components for airframers and airlines, in plants "
        "with autoclaves, machining centres and test benches.",
        markets="Civil aviation (about 80% of sales) and defence; order books cover eight years, the ramp-up is "
        "limited by the supply chain.",
        units=(("{city1} composite plant", "site"), ("{city2} machining plant", "site"),
               ("Test & qualification centre", "site"), ("Civil programmes division", "division"),
               ("Defence division", "division")),
        ops_title="Chief Operating Officer",
        eng_title="Head of Industrial Engineering",
        site_title="Plant Director",
        vision="Support {short}'s production ramp-up with plants that do not stop and use a third less energy "
        "per part.",
        priorities=(
            Prio("Deliver the production ramp-up on time",
                 "Rates must rise 40% in three years; a stopped autoclave or test bench delays aircraft deliveries.",
                 "predictive", "Condition monitoring of autoclaves, test benches and their power supply",
                 "Fewer stops on bottleneck equipment: +3% output", 0.08),
            Prio("Qualify new plants fast",
                 "Each new plant takes 18 months to qualify with the airframers.",
                 "automation", "Validated automation and power packages copied from the reference plant",
                 "New plant qualified three months earlier", 0.10),
            Prio("Halve the energy use of test benches and autoclaves",
                 "Energy prices have tripled the running cost of the test centre.",
                 "retrofit", "Heat recovery and drive retrofits on autoclaves and benches",
                 "Energy per part down 25-35%", 0.06),
            Prio("Secure the plants against cyber attacks",
                 "Defence customers require certified OT security on every production network.",
                 "otsec", "OT security assessment and monitoring to defence standards",
                 "Compliance with defence cyber requirements", 0.03),
        ),
        joint_objectives=(
            ("Raise availability of bottleneck equipment", "Autoclave availability", "%", 91, 97),
            ("Reduce energy per part produced", "Energy per standard part", "kWh", 410, 330),
            ("Shorten repair time on test benches", "Mean time to repair", "hours", 14, 6),
        ),
    ),
    "health": Sector(
        label="Hospitals & clinics",
        business="{name} runs private hospitals and clinics; operating theatres, imaging and intensive care need "
        "power that never fails.",
        markets="Private and publicly funded care in {country}; grows by acquiring independent clinics.",
        units=(("{city1} hospital", "site"), ("{city2} clinic", "site"), ("Day-surgery centres", "division"),
               ("Imaging & diagnostics", "division"), ("Facilities & biomedical engineering", "division")),
        ops_title="Chief Operating Officer",
        eng_title="Director of Technical Services",
        site_title="Hospital Director",
        vision="Clinics where power and comfort are never a topic for care staff, and energy costs fall every year.",
        priorities=(
            Prio("Zero power interruption in critical care",
                 "Operating theatres and intensive care cannot lose power, even for a second.",
                 "switchgear", "Critical power architecture with redundant supplies and monitoring",
                 "Compliance with hospital safety codes, no theatre downtime", 0.10),
            Prio("Integrate newly acquired clinics quickly",
                 "Every acquired clinic comes with its own installations, contracts and audit findings.",
                 "maintenance", "One maintenance and compliance framework applied to each new clinic in six months",
                 "Integration six months faster; audits passed first time", 0.06),
            Prio("Reduce energy cost despite 24/7 operation",
                 "Energy is the fastest-growing cost after staff.",
                 "bms", "Building management and HVAC optimisation",
                 "Energy bill down 15% per bed", 0.08),
            Prio("Free care staff from technical incidents",
                 "Nurses lose time calling technicians for alarms and failures.",
                 "predictive", "Remote monitoring with a 24/7 service centre",
                 "Fewer technical calls from care staff", 0.04),
        ),
        joint_objectives=(
            ("Eliminate power interruptions in theatres", "Power incidents in critical areas", "count", 9, 0),
            ("Cut energy cost per bed", "Energy cost per bed", "EUR per bed", 4200, 3500),
            ("Integrate acquired clinics", "Clinics on the group standard", "%", 35, 90),
        ),
    ),
    "pharma": Sector(
        label="Pharmaceuticals",
        business="{name} develops and manufactures medicines; its plants run clean rooms, cold chains and "
        "validated processes under GMP.",
        markets="Specialty medicines and vaccines sold worldwide; production in Europe, new capacity for biologics.",
        units=(("{city1} API plant", "site"), ("{city2} fill & finish plant", "site"),
               ("Biologics division", "division"), ("Global supply chain", "division"), ("{city1} R&D campus", "site")),
        ops_title="EVP Global Manufacturing",
        eng_title="Head of Engineering & Utilities",
        site_title="Site Director",
        vision="Help {short} launch new medicines faster from plants that never lose a batch and head to net zero.",
        priorities=(
            Prio("Build new biologics capacity fast and GMP-compliant",
                 "Two new lines must be validated before the patent window of our lead product.",
                 "automation", "Validated automation and power for the new lines, documentation ready for audits",
                 "Lines ready for validation four months earlier", 0.12),
            Prio("Never lose a batch to a utility failure",
                 "One lost batch of a biologic costs more than a year of utility maintenance.",
                 "predictive", "Monitored critical power and HVAC for the clean rooms",
                 "Batch losses from utilities close to zero", 0.07),
            Prio("Net-zero operations by 2035",
                 "Our commitment is public; the plan behind it is not yet funded.",
                 "analytics", "Energy and carbon data platform across all sites",
                 "Audited Scope 1-2 reporting; 25% less energy in clean rooms", 0.05),
            Prio("Fewer, global suppliers",
                 "Fourteen maintenance contracts across our sites; we want one partner per category.",
                 "maintenance", "Global framework agreement with one service level across sites",
                 "Procurement cost down; one contract instead of fourteen", 0.04),
        ),
        joint_objectives=(
            ("Prevent batch losses from utilities", "Batches lost to utility failures", "count", 6, 1),
            ("Reduce clean-room energy use", "HVAC energy in clean rooms", "MWh", 38000, 29000),
            ("Lower Scope 2 emissions", "Scope 2 emissions", "tCO2", 22000, 15000),
        ),
    ),
    "medtech": Sector(
        label="Medical equipment",
        business="{name} designs and manufactures medical devices and imaging systems, assembled in clean plants "
        "and serviced in hospitals worldwide.",
        markets="Hospitals and imaging centres in Europe, North America and Asia; service is 35% of revenue.",
        units=(("{city1} assembly plant", "site"), ("{city2} components plant", "site"),
               ("Imaging systems division", "division"), ("Service division", "division"),
               ("{country} distribution centre", "country")),
        ops_title="Chief Operating Officer",
        eng_title="Head of Engineering",
        site_title="Plant Director",
        vision="Make {short}'s systems the most available in the hospitals they serve, built in plants that "
        "use less energy every year.",
        priorities=(
            Prio("Embed proven power components in our devices",
                 "Certification delays come from power supplies qualified too late.",
                 "switchgear", "Pre-qualified power and protection components supplied as OEM parts",
                 "Devices certified faster with pre-qualified components", 0.10),
            Prio("Raise uptime of installed imaging systems",
                 "Hospitals now buy uptime, with penalties in service contracts.",
                 "predictive", "Remote monitoring of power and cooling of systems in hospitals",
                 "Fewer service visits; uptime above 98%", 0.06),
            Prio("Cut manufacturing cost by 10%",
                 "Price pressure from hospital purchasing groups keeps rising.",
                 "retrofit", "Energy-efficiency retrofits of clean rooms and test areas",
                 "Plant energy cost down 15%", 0.05),
            Prio("Meet the new EU sustainability reporting rules",
                 "Our first audited sustainability report is due next year.",
                 "analytics", "Energy and carbon data platform for plants and warehouses",
                 "Audit-ready energy and carbon data", 0.03),
        ),
        joint_objectives=(
            ("Raise installed-base uptime", "System uptime", "%", 95.5, 98.5),
            ("Reduce plant energy cost", "Energy cost of plants", "kEUR", 5200, 4300),
            ("Fewer on-site service visits", "Service visits per system per year", "visits", 4.2, 2.8),
        ),
    ),
    "animal": Sector(
        label="Animal health purchasing",
        business="{name} negotiates and buys for several hundred veterinary clinics and animal-health "
        "distributors, from medicines to equipment and building works.",
        markets="Veterinary clinics and livestock cooperatives in {country}; members are independent and free to "
        "buy outside the group.",
        units=(("Companion-animal clinics network", "division"), ("Livestock & rural cooperatives", "division"),
               ("{city1} central warehouse", "site"), ("Member services", "division"),
               ("{country} regional platforms", "country")),
        ops_title="Chief Operating Officer",
        eng_title="Head of Member Technical Services",
        site_title="Warehouse Director",
        vision="Give {short}'s members an energy and maintenance offer no independent clinic could get alone.",
        priorities=(
            Prio("Give members better prices than they get alone",
                 "Members stay only if the group's prices beat what they negotiate themselves.",
                 "maintenance", "Group framework prices with volume tiers for all members",
                 "Members save 8-12% on electrical works and maintenance", 0.05),
            Prio("Help clinics cut their energy bills",
                 "Small clinics were hit hard by energy prices; many ask the group for help.",
                 "retrofit", "Packaged retrofit offer (lighting, HVAC, metering) for small clinics",
                 "Energy bill down 20% per clinic", 0.06),
            Prio("Keep vaccines and medicines at the right temperature",
                 "Cold-chain breaks destroy stock and put animals at risk.",
                 "metering", "Monitoring of cold rooms and fridges with alerts",
                 "No stock lost to cold-chain breaks", 0.03),
        ),
        joint_objectives=(
            ("Enrol member clinics in the retrofit offer", "Member clinics enrolled", "%", 5, 30),
            ("Avoid cold-chain losses", "Stock lost to cold-chain breaks", "kEUR", 180, 40),
        ),
        not_relevant=("automation", "otsec"),
    ),
    "cloud": Sector(
        label="Cloud & data centres",
        business="{name} builds and runs data centres for cloud, AI and enterprise customers; power and cooling "
        "are most of its operating cost.",
        markets="Hyperscale and colocation capacity in Europe and North America; AI demand has doubled its "
        "pipeline of new campuses.",
        units=(("{city1} campus", "site"), ("{city2} campus", "site"), ("New builds & construction", "division"),
               ("Operations & critical facilities", "division"), ("{country} colocation", "country")),
        ops_title="SVP Data Centre Operations",
        eng_title="Head of Critical Facilities Engineering",
        site_title="Campus Director",
        vision="Power {short}'s growth: campuses live months earlier, PUE of 1.2 and not one minute of critical "
        "power lost.",
        priorities=(
            Prio("Deliver new campuses in 18 months instead of 30",
                 "Every month of delay is a month of AI capacity sold by someone else.",
                 "switchgear", "Prefabricated power modules and skids built in our factories",
                 "Time to power-on cut by nine months", 0.15),
            Prio("Reach a PUE of 1.2 on every new campus",
                 "Our customers and regulators publish PUE league tables.",
                 "analytics", "Cooling and power optimisation with our analytics platform",
                 "PUE 1.2; energy bill down 10%", 0.06),
            Prio("100% uptime for AI clusters",
                 "AI customers sign contracts with heavy penalties for any outage.",
                 "microgrid", "Battery storage and monitored critical power",
                 "Tier IV availability; grid-services revenue from the batteries", 0.08),
            Prio("Start campuses before the grid connection is ready",
                 "Grid connections take four years in our main regions.",
                 "microgrid", "On-site generation and storage bridging the wait for the grid",
                 "Campus live 12 months before the grid reinforcement", 0.10),
        ),
        joint_objectives=(
            ("Cut time to power-on for new halls", "Time from order to power-on", "days", 540, 330),
            ("Lower PUE of operated campuses", "Average PUE", "PUE", 1.42, 1.25),
            ("No critical power incidents", "Critical power incidents", "count", 5, 0),
        ),
        not_relevant=("automation",),
    ),
    "energy": Sector(
        label="Energy",
        business="{name} produces and distributes electricity and gas, and is building wind, solar and storage "
        "capacity.",
        markets="Generation and networks in {country}; renewables grow 15% a year; the network business is "
        "regulated.",
        units=(("Renewables division", "division"), ("Networks & substations", "division"),
               ("{city1} wind cluster", "site"), ("{city2} storage site", "site"), ("Retail & services", "division")),
        ops_title="Chief Operating Officer",
        eng_title="Head of Grid Engineering",
        site_title="Site Director",
        vision="Connect {short}'s renewables faster and run a smarter, safer network, with a joint energy-services "
        "offer for its business clients.",
        priorities=(
            Prio("Connect 2 GW of renewables by 2028",
                 "Parks are built but wait for their substations.",
                 "switchgear", "Substation and grid-connection packages for wind and solar parks",
                 "Parks connected six months earlier", 0.12),
            Prio("Digitalise the distribution network",
                 "The regulator rewards fewer outage minutes.",
                 "metering", "Monitoring and analytics for secondary substations",
                 "Outage minutes down 25%", 0.06),
            Prio("Make field maintenance safer and cheaper",
                 "Too many truck rolls for failures we could have predicted.",
                 "predictive", "Condition-based maintenance of substations",
                 "A third fewer unplanned interventions", 0.05),
            Prio("Offer energy services to our business clients",
                 "Retail margins shrink; services are the growth engine.",
                 "microgrid", "Joint offer of microgrids and storage for its business clients",
                 "New services revenue with a partner's technology", 0.08),
        ),
        joint_objectives=(
            ("Connect renewable capacity", "Renewable capacity connected", "MW", 450, 1200),
            ("Reduce outage minutes", "Customer minutes lost", "min", 58, 44),
            ("Cut unplanned interventions", "Unplanned field interventions", "count", 2400, 1700),
        ),
    ),
    "bank": Sector(
        label="Banking",
        business="{name} is a retail and corporate bank with a branch network, head offices and two data centres.",
        markets="Retail and corporate banking in {country} and neighbouring countries; branches shrink, digital "
        "channels grow.",
        units=(("{city1} head office", "site"), ("Data centres", "division"), ("Branch network", "division"),
               ("Corporate real estate", "division"), ("{country} retail bank", "country")),
        ops_title="Chief Operating Officer",
        eng_title="Head of Corporate Real Estate",
        site_title="Facilities Director",
        vision="A bank whose buildings use a third less energy and whose data centres never stop.",
        priorities=(
            Prio("Cut the real-estate energy bill by 30%",
                 "The board committed to it in the last annual report.",
                 "bms", "Building management and retrofits of head offices and branches",
                 "Energy bill down 30% in four years", 0.08),
            Prio("Pass the new operational-resilience rules",
                 "Regulators now audit the resilience of our data centres.",
                 "switchgear", "Critical power upgrade and monitoring of both data centres",
                 "Resilience audit passed, no outage", 0.10),
            Prio("Meet our net-zero commitment for own operations",
                 "Our investors compare banks on their own emissions too.",
                 "analytics", "Energy and carbon reporting for all buildings",
                 "Audit-ready carbon reporting", 0.03),
        ),
        joint_objectives=(
            ("Cut energy of the building portfolio", "Building energy use", "MWh", 64000, 48000),
            ("Zero data-centre outages", "Data-centre outage minutes", "min", 95, 0),
        ),
        not_relevant=("automation", "microgrid"),
    ),
    "insurance": Sector(
        label="Insurance",
        business="{name} insures households and businesses; it runs offices, claims centres and a data centre, "
        "and advises business clients on risk prevention.",
        markets="Property & casualty and life insurance in {country}; risk-prevention services are growing.",
        units=(("{city1} head office", "site"), ("Claims centres", "division"), ("IT & data centre", "division"),
               ("Business clients division", "division"), ("Regional offices", "division")),
        ops_title="Chief Operating Officer",
        eng_title="Head of Facilities",
        site_title="Facilities Director",
        vision="Fewer electrical fires at {short}'s insured businesses, and offices that use less energy.",
        priorities=(
            Prio("Lower claims from electrical fires at insured businesses",
                 "Electrical fires are our most expensive claims in the business segment.",
                 "metering", "Thermal and power monitoring offered to insured businesses",
                 "Fewer fire claims; prevention as a selling point", 0.05),
            Prio("Cut the energy use of our offices",
                 "Office space is half-empty since hybrid work but fully heated.",
                 "bms", "Occupancy-based building management",
                 "Office energy down 25%", 0.06),
            Prio("Keep our data centre available",
                 "Claims handling stops when the data centre stops.",
                 "switchgear", "Critical power upgrade with monitoring",
                 "No outage of claims systems", 0.05),
        ),
        joint_objectives=(
            ("Reduce electrical fire claims", "Electrical fire claims", "count", 140, 100),
            ("Cut office energy use", "Office energy use", "MWh", 21000, 16500),
        ),
        not_relevant=("automation", "microgrid", "predictive"),
    ),
}

# --- places and people -----------------------------------------------------------------------

COUNTRIES = {
    "FR": ("France", ["Lyon", "Lille", "Toulouse", "Nantes", "Rennes", "Bordeaux"]),
    "DE": ("Germany", ["Stuttgart", "Munich", "Hamburg", "Leipzig", "Cologne"]),
    "IT": ("Italy", ["Turin", "Milan", "Bologna", "Naples"]),
    "ES": ("Spain", ["Madrid", "Barcelona", "Valencia", "Seville", "Zaragoza"]),
    "GB": ("the United Kingdom", ["Derby", "Bristol", "Manchester", "Glasgow"]),
    "NL": ("the Netherlands", ["Eindhoven", "Rotterdam", "Utrecht"]),
    "BE": ("Belgium", ["Antwerp", "Liège", "Ghent"]),
    "SE": ("Sweden", ["Gothenburg", "Trollhättan", "Malmö"]),
    "CH": ("Switzerland", ["Basel", "Visp", "Geneva"]),
    "IE": ("Ireland", ["Dublin", "Cork", "Limerick"]),
    "SG": ("Singapore", ["Tuas", "Jurong", "Changi"]),
    "US": ("the United States", ["Ashburn", "Phoenix", "Dallas", "Columbus"]),
    "FI": ("Finland", ["Helsinki", "Hamina", "Tampere"]),
    "DK": ("Denmark", ["Aarhus", "Odense", "Copenhagen"]),
    "PL": ("Poland", ["Warsaw", "Poznań", "Kraków"]),
    "LT": ("Lithuania", ["Vilnius", "Kaunas", "Klaipėda"]),
    "LU": ("Luxembourg", ["Luxembourg", "Esch-sur-Alzette", "Bettembourg"]),
}

# first names, last names
NAME_POOLS = {
    "fr": (["Marc", "Sophie", "Julien", "Nathalie", "Olivier", "Isabelle", "Thierry", "Camille", "Laurent",
            "Céline", "Antoine", "Valérie", "Hugo", "Élodie", "Bertrand", "Agnès"],
           ["Lefèvre", "Moreau", "Girard", "Bonnet", "Faure", "Mercier", "Lambert", "Rousseau", "Garnier",
            "Chevalier", "Perrin", "Morel", "Fournier", "Gauthier", "Masson", "Renaud"]),
    "de": (["Stefan", "Katrin", "Jürgen", "Anja", "Matthias", "Sabine", "Frank", "Julia", "Andreas", "Petra",
            "Tobias", "Claudia", "Michael", "Nicole", "Uwe", "Birgit"],
           ["Hoffmann", "Schäfer", "Keller", "Richter", "Wagner", "Becker", "Neumann", "Schulz", "Zimmermann",
            "Krüger", "Hartmann", "Lange", "Brandt", "Vogt", "Seidel", "Franke"]),
    "it": (["Marco", "Giulia", "Alessandro", "Francesca", "Luca", "Chiara", "Paolo", "Elena", "Davide", "Silvia",
            "Roberto", "Federica", "Matteo", "Valentina"],
           ["Rossi", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno",
            "Gallo", "Conti", "De Luca", "Mancini"]),
    "es": (["Javier", "Lucía", "Carlos", "Marta", "Alberto", "Elena", "Pablo", "Carmen", "Raúl", "Beatriz",
            "Miguel", "Nuria", "Jorge", "Inés"],
           ["García", "Fernández", "López", "Martín", "Sánchez", "Romero", "Ortega", "Delgado", "Castillo",
            "Molina", "Rubio", "Herrera", "Iglesias", "Vidal"]),
    "en": (["Oliver", "Emma", "George", "Charlotte", "Henry", "Amelia", "Jack", "Sarah", "Rachel", "David",
            "Hannah", "Peter", "Laura", "Simon", "Grace", "Michael"],
           ["Turner", "Hughes", "Walsh", "Bennett", "Murphy", "Collins", "Fletcher", "Harris", "Morgan", "Price",
            "Reid", "Sullivan", "Carter", "Ellis", "Doyle", "Patel"]),
    "nl": (["Jeroen", "Sanne", "Maarten", "Femke", "Bram", "Lotte", "Wouter", "Eva", "Joost", "Anouk", "Koen",
            "Ilse"],
           ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Mulder", "de Boer", "Bos", "Vos", "Peeters",
            "Maes", "Claes"]),
    "nordic": (["Lars", "Ingrid", "Mikael", "Sofie", "Henrik", "Maja", "Anders", "Karin", "Jonas", "Freja",
                "Mikko", "Aino"],
               ["Andersson", "Nilsson", "Johansson", "Lund", "Berg", "Holm", "Dahl", "Virtanen", "Korhonen",
                "Nieminen", "Sørensen", "Christensen"]),
    "pl": (["Piotr", "Anna", "Tomasz", "Katarzyna", "Marcin", "Agnieszka", "Paweł", "Magdalena", "Jakub", "Ewa"],
           ["Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek"]),
    "lt": (["Tomas", "Mindaugas", "Darius", "Andrius", "Paulius", "Vytautas", "Marius", "Giedrius"],
           ["Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas", "Butkus",
            "Paulauskas"]),
    "sg": (["Wei Ling", "Rajesh", "Mei", "Arjun", "Siew Ping", "Daniel", "Hui Min", "Kumar"],
           ["Tan", "Lim", "Ng", "Krishnan", "Wong", "Chua", "Goh", "Rahim"]),
}
POOL_OF_COUNTRY = {
    "FR": "fr", "LU": "fr", "DE": "de", "CH": "de", "IT": "it", "ES": "es", "GB": "en", "IE": "en", "US": "en",
    "NL": "nl", "BE": "nl", "SE": "nordic", "DK": "nordic", "FI": "nordic", "PL": "pl", "LT": "lt", "SG": "sg",
}

# The buying centre's org chart, top down: every entry's manager comes before it, so the first n
# entries always form a tree. (slot, title, unit, reports to, role, influence); "{ops}", "{eng}"
# and "{site}" titles depend on the sector, "{unit1}"/"{unit2}" are the account's sites.
ORG_CHART = [
    ("ceo", "Chief Executive Officer", "Executive Committee", None, "approver", 5),
    ("coo", "{ops}", "Operations", "ceo", "decision_maker", 5),
    ("cpo", "Chief Procurement Officer", "Procurement", "ceo", "decision_maker", 4),
    ("cat", "Category Manager, Energy & Facilities", "Procurement", "cpo", "buyer", 3),
    ("eng", "{eng}", "Engineering", "coo", "influencer", 4),
    ("site1", "{site}, {unit1}", "{unit1}", "coo", "user", 3),
    ("cfo", "Chief Financial Officer", "Finance", "ceo", "approver", 4),
    ("csr", "Chief Sustainability Officer", "Sustainability", "ceo", "influencer", 3),
    ("maint", "Head of Maintenance", "{unit1}", "site1", "user", 2),
    ("energy", "Energy Manager", "Engineering", "eng", "champion", 2),
    ("cio", "Chief Information Officer", "IT", "ceo", "influencer", 3),
    ("ea", "Executive Assistant to the CEO", "Executive Committee", "ceo", "gatekeeper", 2),
    ("proc2", "Procurement Director, Capex & Works", "Procurement", "cpo", "buyer", 3),
    ("ot", "OT Security Lead", "IT", "cio", "influencer", 2),
    ("site2", "{site}, {unit2}", "{unit2}", "coo", "user", 3),
]
# Accounts where no decision maker supports us: the buying centre's red flag.
NO_SUPPORTIVE_DECISION_MAKER = {"nordhavn", "orthelia", "assurelia"}

# --- the accounts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    key: str
    name: str
    short: str
    sector: str  # key of SECTORS
    country: str
    kam: str  # key of KAMS
    sponsor: str | None  # key of EXECUTIVES
    spend: float  # customer's yearly spend in our categories, M EUR, last closed year
    sow: float  # our share of that spend
    growth: float  # yearly growth of our revenue with the account
    margin: float  # our margin, %
    cur: tuple[float, float]  # target (attractiveness, strength) in the current quarter
    prev: tuple[float, float] | None = None  # ... in the previous quarter (None: same as cur)
    status: str = "active"
    parent: str | None = None
    group: str | None = None
    depth: str = "full"  # how much of the plan is filled: full, partial, thin
    event: str = ""  # recent events at the customer
    notes: str | None = None


ACCOUNTS = [
    AccountSpec("veltara_mg", "Veltara Motors Group", "Veltara", "auto", "NL", "okafor", "duval",
                95, 0.38, 0.06, 21, cur=(7.8, 7.1), prev=(7.6, 6.9), group="Veltara Motors Group",
                event="Born from the 2023 merger of a French and an Italian carmaker; 14 plants are being put "
                "under one operations model. New group CEO since January.",
                notes="Group account: the Italian and French subsidiaries are planned as children of this account."),
    AccountSpec("veltara_it", "Veltara Automobili Italia", "Veltara Italia", "auto", "IT", "marchetti", "osei",
                25, 0.12, 0.10, 17, cur=(6.6, 3.9), prev=(6.4, 3.6), parent="veltara_mg",
                group="Veltara Motors Group",
                event="Chosen to build the group's next electric platform; a 1.2 bn EUR retooling plan for its two "
                "Italian plants was announced in spring."),
    AccountSpec("veltara_fr", "Veltara Carrosserie France", "Veltara France", "auto", "FR", "marchetti", None,
                9, 0.55, 0.01, 24, cur=(3.7, 6.9), prev=(3.9, 6.8), parent="veltara_mg",
                group="Veltara Motors Group", depth="partial",
                event="Body-in-white plant kept after the merger, but volumes were cut by 15% and a second shift "
                "removed."),
    AccountSpec("kessler", "Kessler-Autowerke AG", "Kessler", "auto", "DE", "brenner", "navarro",
                60, 0.42, 0.08, 23, cur=(7.2, 7.5), prev=(7.0, 7.3),
                event="Took over a battery-module supplier in 2025 and is building a large module plant in "
                "eastern Germany."),
    AccountSpec("nordhavn", "Nordhavn Automotive AB", "Nordhavn", "auto", "SE", "whitfield", "osei",
                30, 0.15, -0.04, 14, cur=(6.1, 4.3), prev=(6.3, 5.5),
                event="We lost a three-year maintenance tender to a low-cost rival in the spring; a new CPO hired "
                "from the truck industry is re-tendering every indirect category."),
    AccountSpec("postavia", "Postavia Group", "Postavia", "post", "FR", "fontaine", "berger",
                48, 0.35, 0.05, 19, cur=(7.0, 6.5), prev=(7.1, 6.2), group="Postavia Group",
                event="Parcels overtook mail in revenue last year; the group bought a Benelux parcel carrier and "
                "plans 4,000 electric vans by 2027."),
    AccountSpec("postavia_bnl", "Postavia Parcels Benelux", "Postavia Benelux", "post", "BE", "kowalska", None,
                6, 0.58, 0.02, 27, cur=(4.0, 7.2), prev=(4.2, 7.0), parent="postavia", group="Postavia Group",
                depth="partial",
                event="Integrated into Postavia Group after the 2024 acquisition; procurement is now partly run "
                "from Paris."),
    AccountSpec("aerivon", "Aerivon Aerostructures", "Aerivon", "aero", "FR", "okafor", "navarro",
                40, 0.45, 0.12, 24, cur=(8.2, 7.4), prev=(8.0, 7.2),
                event="Ramping up on two single-aisle programmes; opened a composite plant in Morocco and is "
                "qualifying a second one in Spain."),
    AccountSpec("skyforge", "Skyforge Propulsion Ltd", "Skyforge", "aero", "GB", "whitfield", "lindqvist",
                35, 0.22, 0.25, 20, cur=(7.5, 5.7), prev=(7.3, 4.5), depth="partial",
                event="Won the nacelle package of a new regional aircraft; test-bench capacity doubles by 2028. Our "
                "condition-monitoring pilot on two benches convinced the plant director."),
    AccountSpec("helix", "Helix Rotor Systems GmbH", "Helix Rotor", "aero", "DE", "brenner", None,
                8, 0.50, 0.0, 27, cur=(4.3, 7.0), prev=(4.4, 7.1),
                event="Defence orders up, civil helicopter market flat; headcount frozen and capex limited to "
                "maintenance."),
    AccountSpec("santea", "Santéa Cliniques", "Santéa", "health", "FR", "fontaine", None,
                22, 0.40, 0.09, 22, cur=(6.9, 6.7), prev=(6.7, 6.6),
                event="Acquired 11 independent clinics in 18 months; the new COO wants one technical standard for "
                "every site."),
    AccountSpec("albamar", "Clínicas Albamar", "Albamar", "health", "ES", "marchetti", "rahman",
                14, 0.10, 0.18, 16, cur=(6.3, 3.8), prev=(6.0, 3.4),
                event="Owned by a private-equity fund since 2025; two new hospitals under construction, a tender "
                "for critical power is expected next year."),
    AccountSpec("lumenthis", "Lumenthis Pharma AG", "Lumenthis", "pharma", "CH", "okafor", "berger",
                38, 0.33, 0.07, 26, cur=(7.5, 6.3), prev=(7.4, 6.0),
                event="Building a biologics plant near Basel, commissioning in 2027; the new CPO launched a "
                "group-wide supplier consolidation programme."),
    AccountSpec("corvane", "Corvane Biologics", "Corvane", "pharma", "IE", "whitfield", None,
                12, 0.01, 0.0, 18, cur=(6.4, 2.4), status="prospect", depth="partial",
                event="Closed a Series D round; converting a former food plant near Cork into a cell-therapy site. "
                "A first pilot order for cold-room monitoring was placed last year."),
    AccountSpec("wislomed", "Wisłomed Pharma", "Wisłomed", "pharma", "PL", "kowalska", None,
                5, 0.45, 0.04, 25, cur=(3.8, 6.5), prev=(3.6, 6.4), depth="partial",
                event="Generic-drug maker; lost a large hospital tender to Asian imports and launched a cost-cutting "
                "plan."),
    AccountSpec("medivance", "Medivance Imaging Systems", "Medivance", "medtech", "DE", "brenner", "lindqvist",
                30, 0.48, 0.04, 25, cur=(6.5, 7.7), prev=(6.6, 7.6), group="Medivance Group",
                event="Sold its ultrasound business to focus on MRI and CT; its service business grows 9% a year."),
    AccountSpec("medivance_apac", "Medivance Asia Pacific Pte Ltd", "Medivance APAC", "medtech", "SG", "okafor",
                None, 18, 0.08, 0.35, 15, cur=(6.4, 3.3), prev=(6.2, 2.9), parent="medivance",
                group="Medivance Group", depth="partial",
                event="Opened a regional assembly and refurbishment centre in Singapore to serve Asian hospitals."),
    AccountSpec("orthelia", "Orthelia Surgical", "Orthelia", "medtech", "NL", "kowalska", None,
                3, 0.18, -0.02, 11, cur=(3.0, 3.1), prev=(3.2, 3.4), depth="partial",
                event="Orthopaedic implants maker under margin pressure; procurement buys through e-auctions."),
    AccountSpec("animalis", "Animalis Purchasing Group", "Animalis", "animal", "FR", "fontaine", "vandijk",
                4, 0.60, 0.03, 27, cur=(4.2, 7.9), prev=(4.0, 7.8),
                event="Now buys for 850 veterinary clinics after merging with a rural cooperative network."),
    AccountSpec("nordvet", "NordVet Buying Group", "NordVet", "animal", "DK", "whitfield", None,
                2.5, 0.22, 0.01, 9, cur=(2.4, 3.5), prev=(2.6, 3.6), depth="thin"),
    AccountSpec("cirrenta", "Cirrenta Data Centres", "Cirrenta", "cloud", "IE", "okafor", "lindqvist",
                70, 0.30, 0.22, 20, cur=(8.8, 6.4), prev=(8.6, 6.1),
                event="Three new campuses announced for AI workloads; grid-connection delays in Dublin push it to "
                "on-site generation."),
    AccountSpec("altostrata", "Altostrata Cloud Inc.", "Altostrata", "cloud", "US", "okafor", "duval",
                110, 0.18, 0.30, 18, cur=(9.1, 5.6), prev=(8.9, 5.4),
                event="Hyperscale build-out in Europe: six campuses in four years, with power modules standardised "
                "on two global suppliers only."),
    AccountSpec("polarbyte", "Polarbyte Hosting Oy", "Polarbyte", "cloud", "FI", "whitfield", "rahman",
                20, 0.0, 0.0, 16, cur=(6.8, 2.2), status="prospect", depth="thin",
                event="Colocation start-up using free cooling and heat reuse; a second site is being planned."),
    AccountSpec("voltera", "Voltera Énergie", "Voltera", "energy", "FR", "fontaine", "osei",
                55, 0.52, 0.03, 22, cur=(6.8, 8.0), prev=(6.9, 8.1),
                event="Reorganised into three business units (renewables, networks, services); renewables capex up "
                "40%."),
    AccountSpec("iberwind", "Iberwind Renovables", "Iberwind", "energy", "ES", "marchetti", None,
                28, 0.36, 0.15, 24, cur=(6.8, 6.2), prev=(6.5, 5.9),
                event="Wind developer turned integrated producer: 1.5 GW of solar and storage projects in Spain and "
                "Portugal in the pipeline."),
    AccountSpec("baltgrid", "Baltgrid Transmission", "Baltgrid", "energy", "LT", "kowalska", None,
                7, 0.40, 0.05, 16, cur=(4.3, 5.6), prev=(4.1, 4.6),
                event="Synchronisation with the continental European grid completed; a substation refurbishment "
                "programme is funded by EU grants. We won the first two lots."),
    AccountSpec("helvane", "Banque Hélvane", "Hélvane", "bank", "LU", "brenner", "berger",
                10, 0.45, 0.02, 26, cur=(4.5, 6.8), prev=(4.6, 6.9), depth="partial",
                event="New operational-resilience rules trigger an audit of both data centres; the branch network "
                "was cut by a third."),
    AccountSpec("crestmont", "Crestmont Bank plc", "Crestmont", "bank", "GB", "whitfield", None,
                5, 0.12, -0.30, 8, cur=(3.0, 3.2), status="archived", depth="partial",
                event="Facilities outsourced to an integrated FM provider in 2025.",
                notes="Archived: facilities outsourced to an FM provider; no direct business since then."),
    AccountSpec("assurelia", "Assurelia Mutuelle", "Assurelia", "insurance", "FR", "fontaine", None,
                4, 0.15, -0.03, 10, cur=(3.6, 3.7), prev=(3.4, 3.9), depth="partial",
                event="Mutual insurer merging with a regional peer; head-office move planned for 2027."),
    AccountSpec("quorvant", "Quorvant Versicherung AG", "Quorvant", "insurance", "DE", "brenner", None,
                6, 0.0, 0.0, 14, cur=(4.4, 1.8), status="prospect", depth="thin"),
]

# Prospects scored only this quarter, with the last n criteria (strength side first) left empty.
INCOMPLETE_SCORES = {"corvane": 4, "polarbyte": 5}

# account: (stage, days) - days since agreement for agreed/in_review, days in stage otherwise
HANDSHAKES = {
    "veltara_mg": ("in_review", 250),
    "kessler": ("in_review", 170),
    "aerivon": ("in_review", 230),
    "cirrenta": ("in_review", 130),
    "postavia": ("agreed", 70),
    "lumenthis": ("agreed", 85),
    "voltera": ("agreed", 30),
    "helvane": ("agreed", 105),  # its first review is overdue
    "santea": ("presented", 130),  # stuck: presented four months ago, no answer yet
    "altostrata": ("presented", 25),
    "medivance": ("internally_reviewed", 40),
    "nordhavn": ("internally_reviewed", 75),
    "skyforge": ("draft", 20),
    "iberwind": ("draft", 55),
    "veltara_it": ("draft", 60),
}
REVIEW_EVERY_DAYS = 91

# Which customer executives each of our executives is paired with, in order of preference.
COUNTERPARTS = {
    "duval": ["ceo", "coo"],
    "berger": ["cfo", "ceo"],
    "navarro": ["coo", "eng"],
    "lindqvist": ["cio", "eng"],
    "osei": ["ceo", "cpo"],
    "rahman": ["cio", "coo"],
    "vandijk": ["cpo", "coo"],
}
# Pairings outside sponsorship: (executive, account, customer slot)
EXTRA_PAIRINGS = [
    ("lindqvist", "veltara_mg", "eng"),
    ("rahman", "cirrenta", "cio"),
    ("navarro", "santea", "coo"),
    ("vandijk", "postavia", "cpo"),
    ("duval", "voltera", "ceo"),
    ("osei", "iberwind", "ceo"),
]

# --- texts -----------------------------------------------------------------------------------

COMPETITORS = [
    ("Voltrix Systems", "Global footprint; aggressive on switchgear prices"),
    ("Amperis Group", "Strong in building automation, with local service partners"),
    ("Nordelec Services", "Low-cost multi-technical maintenance"),
    ("Heliotec Automation", "Incumbent on process automation; large installed base"),
    ("Gridwise Analytics", "Start-up energy-analytics platform offering free pilots"),
    ("Fenwright Electric", "Long relationship with engineering; good delivery record"),
    ("Tecnomar Impianti", "Regional installer, very flexible on price"),
    ("Kobaltek Energy", "Strong in batteries and microgrids"),
]

# (text, when): "any", or only where our position is "strong" / "weak" (strength axis >= 5 or not)
SWOT_TEXTS = {
    "strength": [
        ("Installed base on most sites; our equipment is the reference at {unit}", "strong"),
        ("Trusted by the engineering team; the Energy Manager champions our solutions", "strong"),
        ("Our monitoring platform already connects {n} of its sites", "strong"),
        ("Reference project delivered on time and on budget last year", "any"),
        ("Only supplier able to serve all its countries with one service level", "any"),
        ("Good first contacts with the engineering team at {unit}", "weak"),
        ("Our pilot at {unit} was well received by the site team", "weak"),
    ],
    "weakness": [
        ("No relationship above procurement level", "weak"),
        ("Not on the approved supplier list for {offer}", "weak"),
        ("Service response times criticised at {unit}", "any"),
        ("Our prices seen as 10-15% above {competitor}", "any"),
        ("Our digital offer is unknown to its IT department", "any"),
        ("Too many contacts on our side; the customer is unsure who leads", "strong"),
        ("Relationship rests on one champion in engineering", "strong"),
    ],
    "opportunity": [
        ("'{priority}': budget announced for the next three years", "any"),
        ("Framework agreement up for renewal in 12-18 months", "any"),
        ("New site projects announced; design phase starts next year", "any"),
        ("Sustainability team looking for a partner with measured results", "any"),
        ("Supplier consolidation could favour a group-wide partner", "any"),
    ],
    "threat": [
        ("{competitor} is offering free pilots to the sites", "any"),
        ("Procurement pushes a single global tender decided on price", "any"),
        ("Capex freeze announced for next year", "any"),
        ("The new CPO worked with {competitor} in a previous job", "any"),
        ("The customer considers insourcing maintenance", "any"),
    ],
}

# Score rationales per criterion: (0-3.5, 3.5-6.5, 6.5-10), two wordings each.
RATIONALES = {
    "Growth": (
        ["Sites being consolidated; spend expected flat or down", "Volumes falling; capex frozen for two years"],
        ["Spend growing with its market, about 4% a year", "Steady growth; a few projects a year, no new sites"],
        ["New sites and capacity announced; spend growing over 10% a year",
         "Acquisitions and new builds push category spend up sharply"],
    ),
    "Strategic fit": (
        ["Buys mostly commodity products we are moving away from", "Segment outside our target list"],
        ["Target segment; buys part of our core offer", "Good fit on hardware, little interest in services"],
        ["Core segment; needs our full portfolio including digital", "Exactly the customer our 2030 plan targets"],
    ),
    "Openness to co-innovation": (
        ["Buys to specification; no appetite for pilots", "Innovation handled centrally with other partners"],
        ["Open to a pilot if we fund it", "One joint workshop held; no pilot yet"],
        ["Running a joint pilot and sharing site data", "Proposed a joint development on its own initiative"],
    ),
    "Access to decision makers": (
        ["Mostly procurement and buyers; top management hard to reach", "C-level meetings are rare and kept short"],
        ["Regular access to a division head; C-level once a year", "Good access at site level, little at group level"],
        ["Regular C-level meetings; executive pairing in place", "COO and CPO meet our sponsor every quarter"],
    ),
    "Relationship depth": (
        ["Basic: one buyer, one salesperson", "Exploratory: first contacts, no project yet"],
        ["Cooperative: several contacts on both sides", "Preferred supplier; contacts in engineering and procurement"],
        ["Interdependent: joint teams and shared plans", "Integrated: resident team on site, shared data and road map"],
    ),
    "Offer fit": (
        ["Our offers cover a small part of its needs", "Needs heavy adaptation to its standards"],
        ["Standard offers cover about half of its needs", "Good fit on power distribution, weaker on digital"],
        ["We cover most of its needs with standard offers", "Several offers co-developed with this customer"],
    ),
    "Competitive position": (
        ["A competitor holds the framework agreement", "Not on the approved supplier list for most categories"],
        ["One of three qualified suppliers", "Framework shared with one competitor"],
        ["Framework holder; competitors marginal", "Sole supplier of critical power on all sites"],
    ),
    "Reputation & track record": (
        ["Delivery delays on the last project still discussed", "Open dispute on penalties"],
        ["Delivered as promised; no flagship reference", "Good service record, little visibility at group level"],
        ["Flagship project quoted in its annual report", "The customer hosts reference visits for us"],
    ),
    "Perceived value": (
        ["Seen as a commodity vendor; price is the only topic", "Procurement does not see the value of our services"],
        ["Value acknowledged on projects, not at group level", "Engineering sees our value, finance not yet"],
        ["Savings we delivered are measured and reported to its board", "Leadership credits us for measurable results"],
    ),
}
GENERIC_RATIONALES = ("Weak on this criterion", "Average on this criterion", "Strong on this criterion")
# For prospects: what we can say without a history together.
PROSPECT_RATIONALES = {
    "Relationship depth": "Exploratory: first contacts, no project yet",
    "Competitive position": "Not on its approved supplier list yet",
    "Reputation & track record": "No track record with them yet; known through references elsewhere",
}

ACTION_TEXTS = {
    "revenue": [
        "Send the costed proposal for {offer}",
        "Qualify the {unit} opportunity with the site team",
        "Prepare the framework renewal file",
        "Present the savings of last year's projects to the CFO",
    ],
    "share_of_wallet": [
        "Map competitor positions unit by unit",
        "Propose a multi-site framework agreement",
        "Benchmark our prices against {competitor}",
        "Get on the approved supplier list for {offer}",
    ],
    "relationship": [
        "Brief {sponsor} before the meeting with the {ops}",
        "Organise a reference visit at a customer site for the {ops}",
        "Invite the Chief Sustainability Officer to our innovation day",
        "Map the buying centre at {unit}",
    ],
    "co_innovation": [
        "Draft the pilot scope with the Energy Manager",
        "Get the data-sharing agreement signed",
        "Book the pilot review with both sponsors",
        "Prepare the business case of the pilot for the CFO",
    ],
}

# (text, who owns it on our side: the KAM, a solution engineer or the executive sponsor)
OUR_COMMITMENTS = [
    ("Deliver the energy audit of the three largest sites", "engineer"),
    ("Provide a monthly energy-savings dashboard to the steering committee", "kam"),
    ("Dedicate a resident engineer on site two days a week", "engineer"),
    ("Fund a six-month predictive-maintenance pilot", "kam"),
    ("Share our product road map at a yearly innovation day", "sponsor"),
    ("Hold two executive sponsor meetings a year", "sponsor"),
    ("Guarantee a four-hour response on critical power incidents", "engineer"),
]
THEIR_COMMITMENTS = [
    "Give access to the meter data of all sites",
    "Name a project owner for the pilot",
    "Consolidate volumes under one framework agreement",
    "Act as a reference for one customer visit a year",
    "Share the three-year capex plan for the sites",
    "Open a meeting with the Group CFO",
    "Include us in the early design phase of new sites",
]

STAGE_NOTES = {
    "draft": "First draft written by {kam} after the account review",
    "internally_reviewed": "Reviewed with {sponsor} and the regional sales director",
    "presented": "Presented to {ceo} and the executive committee",
    "agreed": "Agreed and signed by {signatory}",
    "in_review": "First quarterly review held with {signatory}",
}
REVIEW_NOTES = [
    "Energy savings ahead of plan; the availability objective is behind after two incidents at {unit}.",
    "Meter data finally available for all sites; baselines restated accordingly.",
    "The customer's reorganisation slowed the pilot; both sponsors re-confirmed the objectives.",
    "Good quarter: the first savings were booked and reported to the customer's executive committee.",
]
REVIEW_DECISIONS = [
    "Extend the pilot to a second site.",
    "Add a joint objective on carbon reporting next quarter.",
    "The customer names a single project owner.",
    "Hold the next review in the customer's executive committee slot.",
    "Keep the objectives; share the service recovery plan within 30 days.",
]

# Engagement texts: (text, when) - "any", or only at a "customer" we already serve (not a prospect).
HELD_OBJECTIVES = [
    ("Review progress on '{priority}' with the executive team", "any"),
    ("Present the energy audit results for {site} and agree next steps", "any"),
    ("Share our road map for {offer} and test interest in a pilot", "any"),
    ("Quarterly business review: service levels, projects and pipeline", "customer"),
    ("Align on the joint objectives and commitments of the account plan", "customer"),
    ("Visit {site} to see the pilot running and meet the site team", "customer"),
]
OUTCOMES = [
    ("{cust} confirmed '{priority}' as a top priority for next year and asked for a costed proposal.", "any"),
    ("Constructive meeting; {cust} wants the pilot extended to a second site, budget to be confirmed by Finance.",
     "customer"),
    ("{cust} raised service response times at {site}; we committed to a recovery plan within 30 days.", "customer"),
    ("Joint objectives agreed in principle; {cust} will sponsor the data-access request internally.", "customer"),
    ("The discussion stayed general and procurement drove the agenda; we need a sharper business case.", "any"),
    ("{cust} introduced us to the new Head of Sustainability; a follow-up workshop was agreed.", "any"),
    ("{cust} is open to a first pilot at {site} if we bring a costed proposal.", "any"),
]
NEXT_STEPS = [
    ("KAM sends the costed proposal within three weeks", "any"),
    ("Book a workshop with the engineering team on {offer}", "any"),
    ("Sponsor calls {cust} after their board meeting", "any"),
    ("Share the recovery plan with the site directors", "customer"),
    ("Draft the pilot scope and the data-sharing agreement", "any"),
    ("Invite {cust} to our innovation day", "any"),
]
PLANNED_OBJECTIVES = [
    ("Quarterly business review with {cust}", "customer"),
    ("Executive meeting on '{priority}'", "any"),
    ("Site visit at {site} with {cust}", "any"),
    ("Informal catch-up with {cust} at the industry summit", "any"),
    ("Prepare the next account review with {cust}", "customer"),
]
ASKS = [
    ("Ask {cust} to open a meeting with their CFO on the multi-year framework.", "customer"),
    ("Obtain {cust}'s agreement to extend the pilot to all sites in {country}.", "customer"),
    ("Get a named project owner on their side for '{priority}'.", "any"),
    ("Ask for access to the meter data of the three largest sites.", "any"),
    ("Secure an invitation to present at their supplier innovation day.", "any"),
    ("Confirm that {cust} will sign the account plan at the next steering committee.", "customer"),
]
CANCEL_REASONS = [
    "Cancelled by the customer: {cust} was called to an extraordinary board meeting.",
    "Cancelled: strike at {site}; not rescheduled yet.",
    "Postponed by our side because of a travel clash; not rescheduled yet.",
]
ENGAGEMENT_KINDS = (["meeting"] * 7) + (["visit"] * 4) + (["call"] * 4) + (["qbr"] * 3) + (["event"] * 2)
PROSPECT_ENGAGEMENT_KINDS = (["meeting"] * 5) + (["visit"] * 2) + (["call"] * 3) + (["event"] * 2)
# Objectives that imply the kind of engagement.
KIND_OF_OBJECTIVE = [("Visit ", "visit"), ("Site visit", "visit"), ("Quarterly business review", "qbr"),
                     ("Informal catch-up", "event")]

_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss"})


# --- helpers ---------------------------------------------------------------------------------


def _clamp(value, low, high):
    return max(low, min(high, value))


def _slug(text: str) -> str:
    folded = fold_name(text.translate(_ASCII))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def _email(name: str, domain: str) -> str:
    first, _, last = name.partition(" ")
    return f"{_slug(first)}.{_slug(last)}@{domain}"


def _workday(day: date, forward: bool = True) -> date:
    """Move a weekend day or a year-end holiday (24 Dec - 1 Jan) to the next (or previous) working day."""
    step = timedelta(days=1 if forward else -1)
    while day.weekday() >= 5 or (day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1):
        day += step
    return day


def _country_label(iso: str) -> str:
    """The country's name without a leading article, for unit names such as 'Netherlands distribution centre'."""
    return COUNTRIES[iso][0].removeprefix("the ")


def _money(value: float, step: float = 1000.0) -> float:
    return float(round(value / step) * step)


def _round_like(value: float, reference: float) -> float:
    size = abs(reference)
    if size < 10:
        return round(value, 2)
    if size < 100:
        return round(value, 1)
    if size < 1000:
        return float(round(value))
    return float(round(value, -1))


def _kpi_round(value: float, unit: str, reference: float) -> float:
    return float(round(value)) if unit == "count" else _round_like(value, reference)


def _quadrant(attractiveness: float, strength: float) -> str:
    if attractiveness >= 5:
        return "strategic" if strength >= 5 else "develop"
    return "maintain" if strength >= 5 else "opportunistic"


def _fmt_m(value_m: float) -> str:
    return f"{value_m:.1f}" if value_m < 10 else f"{value_m:.0f}"


def _size_score(spend_m: float) -> float:
    """Anchors: < 1 M EUR -> 0-2, 5 M EUR -> 5, > 20 M EUR -> 8-10."""
    if spend_m <= 20:
        score = 1.5 + 5 * math.log10(max(spend_m, 0.1))
    else:
        score = 8 + 1.5 * math.log10(spend_m / 20) / math.log10(5)
    return _clamp(score, 0.5, 9.8)


def _sow_score(sow: float) -> float:
    """Anchors: < 10% -> 0-2, 30% -> 5, > 50% -> 8-10."""
    score = 20 * sow if sow < 0.1 else 2 + 15 * (sow - 0.1)
    return _clamp(score, 0.0, 9.8)


def _margin_score(margin: float) -> float:
    """Anchors: < 10% -> 0-2, about 20% -> 5, > 30% -> 8-10."""
    return _clamp(5 + (margin - 20) * 0.3, 0.5, 9.8)


@dataclass
class _Seed:
    """Everything the parts of the seed share: the session, the random source, what was created."""

    session: Session
    rng: random.Random
    today: date
    criteria: list[m.Criterion]
    specs: dict[str, AccountSpec] = field(default_factory=dict)
    kams: dict[str, m.Kam] = field(default_factory=dict)
    executives: dict[str, m.Executive] = field(default_factory=dict)
    offers: dict[str, m.Offer] = field(default_factory=dict)
    accounts: dict[str, m.Account] = field(default_factory=dict)
    spend_growth: dict[str, float] = field(default_factory=dict)
    revenue: dict[str, float] = field(default_factory=dict)  # last closed year, EUR
    units: dict[str, list[m.CustomerUnit]] = field(default_factory=dict)
    priorities: dict[str, list[tuple[m.Priority, Prio]]] = field(default_factory=dict)
    competitors: dict[str, list[m.Competitor]] = field(default_factory=dict)
    objectives: dict[str, list[m.Objective]] = field(default_factory=dict)
    people: dict[str, dict[str, m.Stakeholder]] = field(default_factory=dict)  # account -> slot -> person
    pairings: list[_Pair] = field(default_factory=list)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def add(self, rows) -> None:
        self.session.add_all(rows)

    def flush(self) -> None:
        self.session.flush()

    def sector(self, key: str) -> Sector:
        return SECTORS[self.specs[key].sector]

    def kam_name(self, key: str) -> str:
        return self.kams[self.specs[key].kam].name

    def sponsor_name(self, key: str) -> str | None:
        sponsor = self.specs[key].sponsor
        return self.executives[sponsor].name if sponsor else None

    def unit_name(self, key: str) -> str:
        return self.rng.choice(self.units[key]).name

    def offer_keys(self, key: str) -> list[str]:
        return [k for k in OFFERS if k not in self.sector(key).not_relevant]


# --- the seed --------------------------------------------------------------------------------


def seed_demo(session: Session, *, today: date, rng_seed: int = 2021) -> dict[str, int]:
    """Load the demo portfolio into a database that holds no account yet; return rows per table.

    Deterministic: only ``random.Random(rng_seed)`` and dates relative to ``today`` are used.
    The caller commits.
    """
    if session.exec(select(m.Account.id).limit(1)).first() is not None:
        raise SeedError("The database already holds accounts: the demo portfolio loads only into an empty one.")
    install_defaults(session, today=today)
    criteria = session.exec(
        select(m.Criterion).where(m.Criterion.active).order_by(m.Criterion.axis, m.Criterion.position, m.Criterion.id)
    ).all()
    ctx = _Seed(session=session, rng=random.Random(rng_seed), today=today, criteria=list(criteria))
    ctx.specs = {spec.key: spec for spec in ACCOUNTS}

    _reference_data(ctx)
    _accounts(ctx)
    _account_years(ctx)
    _revenue_lines(ctx)
    _customer_units(ctx)
    _scores(ctx)
    _canvas(ctx)
    _objectives(ctx)
    ctx.flush()
    _value_propositions(ctx)
    _white_space(ctx)
    _actions(ctx)
    _buying_centre(ctx)
    _handshakes(ctx)
    _pairings(ctx)
    _engagements(ctx)
    ctx.flush()
    return _counts(session)


def _counts(session: Session) -> dict[str, int]:
    tables = [*m.EDITABLE_TABLES, m.EngagementPairing]
    return {t.__tablename__: session.exec(select(func.count()).select_from(t)).one() for t in tables}


def _reference_data(ctx: _Seed) -> None:
    """Our KAMs, executives and offers; rows already there (same email or name) are reused, not duplicated."""
    kams = {k.email: k for k in ctx.session.exec(select(m.Kam)).all()}
    executives = {e.name: e for e in ctx.session.exec(select(m.Executive)).all()}
    offers = {o.name: o for o in ctx.session.exec(select(m.Offer)).all()}
    for key, name, region in KAMS:
        email = _email(name, "ourcompany.example")
        ctx.kams[key] = kams.get(email) or m.Kam(name=name, email=email, region=region)
    for key, name, title, function, max_accounts in EXECUTIVES:
        ctx.executives[key] = executives.get(name) or m.Executive(
            name=name, title=title, function=function, email=_email(name, "ourcompany.example"),
            max_accounts=max_accounts)
    for key, (name, family) in OFFERS.items():
        ctx.offers[key] = offers.get(name) or m.Offer(name=name, family=family)
    ctx.add([row for row in [*ctx.kams.values(), *ctx.executives.values(), *ctx.offers.values()] if row.id is None])
    ctx.flush()


def _accounts(ctx: _Seed) -> None:
    """Group parents first (their ids are needed by the children), then the rest."""
    for number, spec in enumerate(ACCOUNTS, start=1):
        growth = ctx.rng.uniform(0.02, 0.06)
        ctx.spend_growth[spec.key] = growth
        spend = spec.spend * 1e6
        ctx.accounts[spec.key] = m.Account(
            name=spec.name,
            name_key=fold_name(spec.name),
            crm_id=f"ACC-{number:05d}",
            group_name=spec.group,
            sector=SECTORS[spec.sector].label,
            country=spec.country,
            kam_id=ctx.kams[spec.kam].id,
            sponsor_id=ctx.executives[spec.sponsor].id if spec.sponsor else None,
            status=spec.status,
            potential_3y=_money(3 * spend * (1 + growth) ** 2, 100_000),
            margin_pct=float(spec.margin),
            notes=spec.notes,
        )
    ctx.add([ctx.accounts[spec.key] for spec in ACCOUNTS if spec.parent is None])
    ctx.flush()
    children = [spec for spec in ACCOUNTS if spec.parent is not None]
    for spec in children:
        ctx.accounts[spec.key].parent_id = ctx.accounts[spec.parent].id
    ctx.add([ctx.accounts[spec.key] for spec in children])
    ctx.flush()


def _account_years(ctx: _Seed) -> None:
    """The last three closed years: our revenue and the customer's spend in our categories."""
    rows = []
    for spec in ACCOUNTS:
        account = ctx.accounts[spec.key]
        for back in (2, 1, 0):
            spend = spec.spend * 1e6 / (1 + ctx.spend_growth[spec.key]) ** back
            revenue = spec.spend * 1e6 * spec.sow / (1 + spec.growth) ** back * (1 + ctx.rng.gauss(0, 0.02))
            if spec.status == "prospect" and back > 0:
                revenue = 0.0
            revenue = _money(min(revenue, 0.9 * spend))
            if back == 0:
                ctx.revenue[spec.key] = revenue
            rows.append(m.AccountYear(account_id=account.id, year=ctx.today.year - 1 - back, revenue=revenue,
                                      category_spend=_money(spend, 10_000)))
    ctx.add(rows)


def _revenue_lines(ctx: _Seed) -> None:
    """A handful of CRM lines per account: invoices, won deals, open opportunities."""
    rng = ctx.rng
    opp_number, invoice_number = 120, 4500
    rows = []
    for spec in ACCOUNTS:
        account_id = ctx.accounts[spec.key].id
        revenue, spend = ctx.revenue[spec.key], spec.spend * 1e6
        offers = ctx.offer_keys(spec.key)
        archived = spec.status == "archived"
        oldest, newest = (400, 700) if archived else (10, 700)
        if revenue > 0:
            for _ in range(rng.randint(2, 3)):
                invoice_number += rng.randint(3, 40)
                rows.append(m.RevenueLine(
                    account_id=account_id, crm_id=f"INV-{invoice_number:06d}", kind="invoice",
                    label=f"Invoice - {OFFERS[rng.choice(offers)][0]}",
                    amount=_money(revenue * rng.uniform(0.03, 0.10)), line_date=ctx.day(-rng.randint(oldest, newest))))
            for _ in range(rng.randint(1, 2)):
                opp_number += rng.randint(5, 60)
                what = rng.choice(["three-year framework", "site project", "extension", "pilot"])
                rows.append(m.RevenueLine(
                    account_id=account_id, crm_id=f"OPP-{opp_number:06d}", kind="won",
                    label=f"Won - {OFFERS[rng.choice(offers)][0]}, {what}",
                    amount=_money(revenue * rng.uniform(0.08, 0.3)), line_date=ctx.day(-rng.randint(oldest + 20, 720))))
        if not archived:
            for _ in range(rng.randint(1, 2)):
                opp_number += rng.randint(5, 60)
                what = rng.choice(["new site", "renewal", "group framework", "retrofit programme", "pilot extension"])
                rows.append(m.RevenueLine(
                    account_id=account_id, crm_id=f"OPP-{opp_number:06d}", kind="opportunity",
                    label=f"Opportunity - {OFFERS[rng.choice(offers)][0]}, {what}",
                    amount=_money(spend * rng.uniform(0.01, 0.05)), line_date=ctx.day(-rng.randint(5, 120)),
                    probability_pct=float(rng.choice([20, 30, 40, 50, 60, 70, 80]))))
    ctx.add(rows)


def _customer_units(ctx: _Seed) -> None:
    """3-5 divisions, sites or countries per account, the first two always sites."""
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        city1, city2 = rng.sample(COUNTRIES[spec.country][1], 2)
        country = _country_label(spec.country)
        templates = ctx.sector(spec.key).units
        count = {"full": rng.randint(4, 5), "partial": rng.randint(3, 4), "thin": 3}[spec.depth]
        # keep the two sites (they name the site directors), then a random pick of the rest
        chosen = sorted([0, 1] + rng.sample(range(2, len(templates)), count - 2))
        units = [
            m.CustomerUnit(account_id=ctx.accounts[spec.key].id, kind=templates[i][1],
                           name=templates[i][0].format(city1=city1, city2=city2, country=country))
            for i in chosen
        ]
        ctx.units[spec.key] = units
        rows.extend(units)
    ctx.add(rows)


# --- portfolio scores ------------------------------------------------------------------------


def _score_path(rng: random.Random, spec: AccountSpec) -> list[tuple[float, float]]:
    """Target (attractiveness, strength) per quarter, oldest first; the last two come from the spec."""
    path: list[tuple[float, float] | None] = [None] * 5
    if spec.status == "archived":  # scored until two quarters ago
        anchor = 2
        path[2] = spec.cur
    else:
        anchor = 3
        path[4] = spec.cur
        path[3] = spec.prev or spec.cur
    for k in range(anchor - 1, -1, -1):
        path[k] = tuple(_clamp(v + rng.gauss(0, 0.3), 1.0, 9.5) for v in path[k + 1])
    return path


def _fixed_scores(ctx: _Seed, spec: AccountSpec) -> dict[int, tuple[float, str]]:
    """Criteria whose score follows from the account's figures, with a rationale quoting them."""
    spend = spec.spend * 1e6
    sow = ctx.revenue[spec.key] / spend
    fixed = {}
    for criterion in ctx.criteria:
        if criterion.name == "Available spend (size)":
            fixed[criterion.id] = (
                round(_size_score(spec.spend), 1),
                f"About {_fmt_m(spec.spend)} M EUR a year spent in our categories, "
                f"across {len(ctx.units[spec.key])} divisions and sites",
            )
        elif criterion.name == "Share of wallet":
            text = (f"Our revenue is about {sow * 100:.0f}% of its spend in our categories" if sow >= 0.005
                    else "No revenue with us yet")
            fixed[criterion.id] = (round(_sow_score(sow), 1), text)
        elif criterion.name == "Profitability & cost to serve":
            fixed[criterion.id] = (
                round(_margin_score(spec.margin), 1),
                f"Margin about {spec.margin:.0f}% once service and logistics are paid",
            )
    return fixed


def _criterion_bias(spec: AccountSpec, name: str) -> float:
    """Nudge a few judgement criteria toward the facts of the account (sponsor, handshake, growth)."""
    if name == "Access to decision makers":
        return 1.5 if spec.sponsor else -1.0
    if name == "Openness to co-innovation":
        return 1.0 if HANDSHAKES.get(spec.key, ("",))[0] in ("agreed", "in_review") else 0.0
    if name == "Growth":
        return _clamp((spec.growth - 0.05) * 15, -2.0, 2.0)
    return 0.0


def _judgement_rationale(spec: AccountSpec, criterion: m.Criterion, value: float, wording: int,
                         before: float | None) -> str:
    band = 0 if value < 3.5 else 1 if value < 6.5 else 2
    texts = RATIONALES.get(criterion.name)
    rationale = texts[band][wording] if texts else GENERIC_RATIONALES[band]
    if spec.status == "prospect":
        rationale = PROSPECT_RATIONALES.get(criterion.name, rationale)
    if before is not None and abs(value - before) >= 1.0:
        rationale += " (up since last quarter)" if value > before else " (down since last quarter)"
    return rationale


def _axis_scores(rng: random.Random, spec: AccountSpec, criteria: list[m.Criterion],
                 fixed: dict[int, tuple[float, str]], targets: list[float], quarters: list[int]):
    """Yield (quarter, criterion, value, rationale) so that each quarter's weighted mean meets its target.

    Criteria quoting the account's figures keep their value; the judgement criteria share the rest,
    each with a lasting offset of its own (weighted offsets cancel out) and a little quarterly noise.
    """
    free = [c for c in criteria if c.id not in fixed]
    total_weight = sum(c.weight for c in criteria) or 1.0
    free_weight = sum(c.weight for c in free) or 1.0
    fixed_part = sum(c.weight * fixed[c.id][0] for c in criteria if c.id in fixed)
    offsets = {c.id: rng.uniform(-1.2, 1.2) + _criterion_bias(spec, c.name) for c in free}
    mean_offset = sum(c.weight * offsets[c.id] for c in free) / free_weight
    wording = {c.id: rng.randrange(2) for c in free}
    previous: dict[int, float] = {}
    for k in quarters:
        rest = (targets[k] * total_weight - fixed_part) / free_weight
        for criterion in criteria:
            if criterion.id in fixed:
                value, rationale = fixed[criterion.id]
            else:
                noise = rng.gauss(0, 0.2)
                value = round(_clamp(rest + offsets[criterion.id] - mean_offset + noise, 0.0, 10.0), 1)
                rationale = _judgement_rationale(spec, criterion, value, wording[criterion.id],
                                                 previous.get(criterion.id))
                previous[criterion.id] = value
            yield k, criterion, value, rationale


def _scores(ctx: _Seed) -> None:
    """Five quarters of scores ending this quarter; the weighted means follow each account's path."""
    current = period_of(ctx.today)
    periods = [shift_period(current, k - 4) for k in range(5)]
    by_axis = {axis: [c for c in ctx.criteria if c.axis == axis] for axis in m.AXES}
    rows = []
    for spec in ACCOUNTS:
        quarters = {"prospect": [4], "archived": [0, 1, 2]}.get(spec.status, [0, 1, 2, 3, 4])
        unscored = INCOMPLETE_SCORES.get(spec.key, 0)
        skipped = {c.id for c in ctx.criteria[len(ctx.criteria) - unscored:]} if unscored else set()
        path = _score_path(ctx.rng, spec)
        fixed = _fixed_scores(ctx, spec)
        for axis_index, axis in enumerate(m.AXES):
            targets = [point[axis_index] if point else 0.0 for point in path]
            for k, criterion, value, rationale in _axis_scores(ctx.rng, spec, by_axis[axis], fixed, targets, quarters):
                if k == 4 and criterion.id in skipped:
                    continue
                rows.append(m.Score(account_id=ctx.accounts[spec.key].id, criterion_id=criterion.id,
                                    period=periods[k], value=float(value), rationale=rationale))
    ctx.add(rows)


# --- account strategy canvas -----------------------------------------------------------------


def _ambition(ctx: _Seed, spec: AccountSpec) -> str:
    revenue_m = ctx.revenue[spec.key] / 1e6
    sow = round(100 * ctx.revenue[spec.key] / (spec.spend * 1e6))
    year = ctx.today.year + 3
    first_priority = ctx.priorities[spec.key][0][1].title
    posture = _quadrant(*spec.cur)
    if posture == "strategic":
        return (f"By {year}, be {spec.short}'s reference partner for energy and operations: "
                f"{_fmt_m(revenue_m * 1.35)} M EUR a year (from {_fmt_m(revenue_m)} M EUR), share of wallet from "
                f"{sow}% to {min(sow + 12, 75)}%, a handshake reviewed every quarter and one co-innovation project "
                f"a year, starting with '{first_priority}'.")
    if posture == "develop":
        return (f"Win position at {spec.short} within three years: from {sow}% to {sow + 15}% share of wallet by "
                f"becoming a framework supplier and landing a flagship project on '{first_priority}'.")
    if posture == "maintain":
        return (f"Keep {spec.short} at about {_fmt_m(revenue_m)} M EUR a year with less effort: renew the "
                f"framework, move routine service to remote monitoring and protect a {spec.margin:.0f}% margin.")
    return (f"Serve {spec.short} profitably through distributors and our web shop; answer tenders only when the "
            f"margin exceeds {max(spec.margin, 12):.0f}%.")


def _canvas(ctx: _Seed) -> None:
    """Plan narrative, ranked priorities, competitors and SWOT, as filled as each account's depth says."""
    rng = ctx.rng
    rows = []
    for index, spec in enumerate(ACCOUNTS):
        key, depth = spec.key, spec.depth
        account_id = ctx.accounts[key].id
        sector = ctx.sector(key)
        names = {"name": spec.name, "short": spec.short, "country": COUNTRIES[spec.country][0]}

        count = {"full": min(len(sector.priorities), rng.randint(3, 4)), "partial": rng.randint(2, 3),
                 "thin": 2}[depth]
        chosen = rng.sample(sector.priorities, count)
        ctx.priorities[key] = [
            (m.Priority(account_id=account_id, rank=rank, title=p.title, description=p.description), p)
            for rank, p in enumerate(chosen, start=1)
        ]
        rows.extend(priority for priority, _ in ctx.priorities[key])

        available = 100 * (1 - ctx.revenue[key] / (spec.spend * 1e6))
        share = available * rng.uniform(0.35, 0.55)
        competitors = []
        for name, strengths in rng.sample(COMPETITORS, {"full": rng.randint(2, 3), "partial": rng.randint(1, 2),
                                                         "thin": 1}[depth]):
            competitors.append(m.Competitor(account_id=account_id, name=name, strengths=strengths,
                                            share_pct=None if depth == "thin" else float(round(share))))
            share *= rng.uniform(0.4, 0.7)
        ctx.competitors[key] = competitors
        rows.extend(competitors)

        with_events = depth == "full" or (depth == "partial" and index % 2 == 0)
        rows.append(m.AccountPlan(
            account_id=account_id,
            business=sector.business.format(**names),
            markets=None if depth == "thin" else sector.markets.format(**names),
            recent_events=(spec.event or None) if with_events else None,
            ambition=_ambition(ctx, spec) if depth == "full" else None,
        ))

        per_kind = {
            "full": {kind: rng.randint(2, 3) for kind in m.SWOT_KINDS},
            "partial": {"strength": rng.randint(1, 2), "weakness": rng.randint(1, 2), "opportunity": 1},
            "thin": {"strength": 1, "opportunity": 1},
        }[depth]
        position_word = "strong" if spec.cur[1] >= 5 else "weak"
        for kind, number in per_kind.items():
            texts = [text for text, when in SWOT_TEXTS[kind] if when in ("any", position_word)]
            for position, text in enumerate(rng.sample(texts, number)):
                rows.append(m.SwotItem(account_id=account_id, kind=kind, position=position, text=text.format(
                    unit=ctx.unit_name(key), competitor=competitors[0].name, priority=chosen[0].title,
                    offer=OFFERS[chosen[-1].offer][0], n=rng.randint(2, 9))))
    ctx.add(rows)


OBJECTIVE_ORDER = {
    "strategic": ["revenue", "co_innovation", "relationship", "share_of_wallet"],
    "develop": ["share_of_wallet", "relationship", "revenue", "co_innovation"],
    "maintain": ["revenue", "relationship", "share_of_wallet", "co_innovation"],
    "opportunistic": ["revenue", "share_of_wallet", "relationship", "co_innovation"],
}


def _objective_text(ctx: _Seed, spec: AccountSpec, kind: str) -> tuple[str, str]:
    rng = ctx.rng
    revenue_m = ctx.revenue[spec.key] / 1e6
    if kind == "revenue":
        if revenue_m < 0.5:
            first = _fmt_m(spec.spend * rng.uniform(0.02, 0.05))
            return f"Win a first significant order at {spec.short}", f"First order above {first} M EUR"
        growth = rng.uniform(0.15, 0.4) if _quadrant(*spec.cur) in ("strategic", "develop") else rng.uniform(0.02, 0.08)
        target = _fmt_m(revenue_m * (1 + growth))
        title = f"Grow yearly revenue with {spec.short} from {_fmt_m(revenue_m)} to {target} M EUR"
        return title, f"{target} M EUR a year"
    if kind == "share_of_wallet":
        start = round(100 * ctx.revenue[spec.key] / (spec.spend * 1e6))
        end = start + rng.randint(5, 15)
        return f"Raise our share of wallet at {spec.short} from {start}% to {end}%", f"{end}% of its category spend"
    if kind == "relationship":
        return (f"Build a regular relationship with {spec.short}'s {ctx.sector(spec.key).ops_title}",
                "Two executive meetings a year, sponsor pairing in place")
    return (f"Run a joint pilot on '{ctx.priorities[spec.key][0][1].title}'",
            "Pilot results signed off by both sponsors")


def _objectives(ctx: _Seed) -> None:
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        ctx.objectives[spec.key] = []
        if spec.depth == "thin":
            continue
        count = rng.randint(3, 4) if spec.depth == "full" else 2
        for kind in OBJECTIVE_ORDER[_quadrant(*spec.cur)][:count]:
            title, target = _objective_text(ctx, spec, kind)
            due = _workday(ctx.day(rng.randint(-45, 640)))
            if due < ctx.today:
                status = rng.choice(["achieved", "missed"])
            else:
                status = rng.choices(["on_track", "at_risk", "not_started"], weights=[5, 2, 2])[0]
            owner = (ctx.sponsor_name(spec.key) or ctx.kam_name(spec.key)) if kind == "relationship" \
                else ctx.kam_name(spec.key)
            objective = m.Objective(account_id=ctx.accounts[spec.key].id, kind=kind, title=title, target=target,
                                    owner=owner, due_date=due, status=status)
            ctx.objectives[spec.key].append(objective)
            rows.append(objective)
    ctx.add(rows)


def _value_propositions(ctx: _Seed) -> None:
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        priorities = ctx.priorities[spec.key]
        count = {"full": len(priorities), "partial": rng.randint(1, 2), "thin": 0}[spec.depth]
        for priority, prio in priorities[:count]:
            rows.append(m.ValueProposition(
                priority_id=priority.id, offer_id=ctx.offers[prio.offer].id, what_we_bring=prio.what_we_bring,
                customer_value=prio.customer_value,
                value_amount=_money(spec.spend * 1e6 * prio.value_share * rng.uniform(0.8, 1.2), 10_000)))
    ctx.add(rows)


def _white_space(ctx: _Seed) -> None:
    """Offers x customer units: sold, open, held by a competitor, or not relevant.

    Sold cells share our revenue, competitor cells share the competitors' part of the spend,
    open cells carry an opportunity value.
    """
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        key = spec.key
        revenue, spend = ctx.revenue[key], spec.spend * 1e6
        sow = revenue / spend
        coverage = {"full": 0.65, "partial": 0.5, "thin": 0.35}[spec.depth]
        p_sold, p_competitor, p_not_relevant = min(0.7, sow * 1.3), 0.3 * (1 - sow), 0.08
        cells = []
        for unit in ctx.units[key]:
            for offer_key, offer in ctx.offers.items():
                if rng.random() > coverage:
                    continue
                draw = rng.random()
                if offer_key in ctx.sector(key).not_relevant:
                    status = "not_relevant"
                elif draw < p_sold:
                    status = "sold"
                elif draw < p_sold + p_competitor:
                    status = "competitor"
                elif draw < p_sold + p_competitor + p_not_relevant:
                    status = "not_relevant"
                else:
                    status = "open"
                cells.append(m.WhiteSpaceCell(account_id=ctx.accounts[key].id, unit_id=unit.id, offer_id=offer.id,
                                              status=status))
        held_by_competitors = spend * sum(c.share_pct or 0 for c in ctx.competitors[key]) / 100 or spend * 0.3
        for status, total in (("sold", revenue), ("competitor", held_by_competitors)):
            group = [cell for cell in cells if cell.status == status]
            weights = [rng.uniform(0.5, 1.5) for _ in group]
            for cell, weight in zip(group, weights):
                cell.value = max(10_000.0, _money(total * weight / sum(weights), 10_000))
                if status == "competitor":
                    cell.competitor = rng.choice(ctx.competitors[key]).name
        for cell in cells:
            if cell.status == "open":
                cell.value = _money(spend * rng.uniform(0.01, 0.05), 10_000)
        rows.extend(cells)
    ctx.add(rows)


def _actions(ctx: _Seed) -> None:
    """3-8 actions per planned account, spread over its objectives; some overdue and still open."""
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        objectives = ctx.objectives[spec.key]
        if not objectives:
            continue
        total = rng.randint(5, 8) if spec.depth == "full" else rng.randint(3, 4)
        used: set[str] = set()
        owners = [ctx.kam_name(spec.key)] * 3 + [rng.choice(OUR_TEAM)]
        for i in range(total):
            objective = objectives[i % len(objectives)]
            templates = [t for t in ACTION_TEXTS[objective.kind] if t not in used] or ACTION_TEXTS[objective.kind]
            template = rng.choice(templates)
            used.add(template)
            title = template.format(
                offer=OFFERS[rng.choice(ctx.offer_keys(spec.key))][0], unit=ctx.unit_name(spec.key),
                competitor=ctx.competitors[spec.key][0].name, sponsor=ctx.sponsor_name(spec.key) or "our sponsor",
                ops=ctx.sector(spec.key).ops_title)
            due = _workday(ctx.day(rng.randint(-60, 120)))
            draw = rng.random()
            if due < ctx.today:
                status = ("done" if draw < 0.6 else "cancelled" if draw < 0.7
                          else "open" if draw < 0.85 else "in_progress")
                done_on = due - timedelta(days=rng.randint(0, 12)) if status == "done" else None
            else:
                status = "open" if draw < 0.55 else "in_progress" if draw < 0.92 else "done"
                done_on = ctx.day(-rng.randint(1, 10)) if status == "done" else None
            owner = rng.choice(owners)
            if objective.kind == "relationship":
                owner = rng.choice([ctx.kam_name(spec.key), ctx.sponsor_name(spec.key) or ctx.kam_name(spec.key)])
            rows.append(m.Action(account_id=ctx.accounts[spec.key].id, objective_id=objective.id, title=title,
                                 owner=owner, due_date=due, status=status, done_on=done_on))
    ctx.add(rows)


# --- buying centre ---------------------------------------------------------------------------


def _buying_centre_size(rng: random.Random, spec: AccountSpec) -> int:
    if spec.depth == "thin":
        return 6
    if spec.status != "active":
        return rng.randint(6, 8)
    return {"strategic": rng.randint(11, 15), "develop": rng.randint(8, 11), "maintain": rng.randint(8, 10),
            "opportunistic": rng.randint(6, 8)}[_quadrant(*spec.cur)]


def _owner(ctx: _Seed, spec: AccountSpec, slot: str, engineer: str) -> str:
    if slot == "ceo":
        return ctx.sponsor_name(spec.key) or ctx.kam_name(spec.key)
    if slot in ("eng", "site1", "site2", "maint", "energy"):
        return engineer
    if slot in ("cio", "ot"):
        return "Aisha Mensah"
    return ctx.kam_name(spec.key)


def _buying_centre(ctx: _Seed) -> None:
    """6-15 stakeholders per account, as an org chart; inserted level by level for reports_to ids."""
    rng = ctx.rng
    levels: dict[int, list[tuple[str, str, str | None, m.Stakeholder]]] = {}
    contact_number = 1000
    signatories = {key for key, (stage, _) in HANDSHAKES.items() if stage in ("agreed", "in_review")}
    for spec in ACCOUNTS:
        key, sector = spec.key, ctx.sector(spec.key)
        strength = spec.cur[1]
        strategic = _quadrant(*spec.cur) == "strategic"
        red_flag = key in NO_SUPPORTIVE_DECISION_MAKER
        units = ctx.units[key]
        sites = [u for u in units if u.kind == "site"] or units
        unit1, unit2 = sites[0].name, (sites[1] if len(sites) > 1 else units[-1]).name
        words = {"ops": sector.ops_title, "eng": sector.eng_title, "site": sector.site_title,
                 "unit1": unit1, "unit2": unit2}
        firsts, lasts = NAME_POOLS[POOL_OF_COUNTRY[spec.country]]
        domain = f"{_slug(spec.short.split()[0])}.example"
        engineer = rng.choice(OUR_TEAM)
        level_of: dict[str, int] = {}
        taken: set[str] = set()
        for slot, title, unit, reports_to, role, influence in ORG_CHART[:_buying_centre_size(rng, spec)]:
            first, last = rng.choice(firsts), rng.choice(lasts)
            while f"{first} {last}" in taken:
                first, last = rng.choice(firsts), rng.choice(lasts)
            taken.add(f"{first} {last}")
            attitude = round(_clamp(rng.gauss((strength - 5) / 2.5, 0.9), -2, 2))
            relationship = round(_clamp(rng.gauss(1 + strength * 0.4, 0.8), 1, 5))
            if slot != "ceo":
                influence = _clamp(influence + rng.choice([0, 0, 0, -1, 1]), 1, 5)
            if slot == "energy":
                if strength >= 5 and not red_flag:
                    attitude, relationship = 2, max(relationship, 4)
                else:
                    role = "user"
            if role == "decision_maker":
                if red_flag:
                    attitude = -2 if slot == "cpo" else min(attitude, 0)
                elif slot == "coo" and (strategic or key in signatories or strength >= 5 or spec.sponsor):
                    attitude, relationship = max(attitude, 1), max(relationship, 3)
            owner = _owner(ctx, spec, slot, engineer)
            if (spec.depth == "thin" or not strategic and strength < 5) and slot not in ("ceo", "coo", "cpo", "cat") \
                    and rng.random() < 0.35:
                owner = None  # nobody on our side covers this person
            if owner is None:
                last_contact = None
            else:
                days = (rng.randint(3, 60) if relationship >= 4 else rng.randint(15, 120) if relationship == 3
                        else rng.randint(45, 200))
                last_contact = _workday(ctx.day(-days), forward=False)
            contact_number += rng.randint(1, 9)
            person = m.Stakeholder(
                account_id=ctx.accounts[key].id, crm_id=f"CON-{contact_number:05d}", name=f"{first} {last}",
                title=title.format(**words), unit=unit.format(**words),
                email=f"{_slug(first)[0]}.{_slug(last)}@{domain}", role=role, influence=influence,
                attitude=attitude, relationship=relationship, owner=owner, last_contact=last_contact)
            level_of[slot] = 0 if reports_to is None else level_of[reports_to] + 1
            levels.setdefault(level_of[slot], []).append((key, slot, reports_to, person))
    for level in sorted(levels):
        for key, slot, reports_to, person in levels[level]:
            if reports_to is not None:
                person.reports_to_id = ctx.people[key][reports_to].id
            ctx.people.setdefault(key, {})[slot] = person
        ctx.add([row[3] for row in levels[level]])
        ctx.flush()


# --- handshakes ------------------------------------------------------------------------------

# Days between reaching a stage and reaching the next one.
STAGE_GAPS = {"draft": (20, 50), "internally_reviewed": (15, 40), "presented": (20, 45)}


def _stage_dates(ctx: _Seed, stage: str, days: int) -> tuple[dict[str, date], list[date]]:
    """The date each stage was reached, in order, and the quarterly review dates held so far."""
    rng = ctx.rng
    reached: dict[str, date] = {}
    reviews: list[date] = []
    if stage in ("agreed", "in_review"):
        reached["agreed"] = _workday(ctx.day(-days), forward=False)
        if stage == "in_review":
            due = reached["agreed"] + timedelta(days=REVIEW_EVERY_DAYS)
            while due < ctx.today:
                reviews.append(_workday(due, forward=False))
                due += timedelta(days=REVIEW_EVERY_DAYS)
            reached["in_review"] = reviews[0]
        known = "agreed"
    else:
        reached[stage] = _workday(ctx.day(-days), forward=False)
        known = stage
    cursor = reached[known]
    for earlier in reversed(m.HANDSHAKE_STAGES[: m.HANDSHAKE_STAGES.index(known)]):
        cursor = _workday(cursor - timedelta(days=rng.randint(*STAGE_GAPS[earlier])), forward=False)
        reached[earlier] = cursor
    return reached, reviews


def _joint_objectives(ctx: _Seed, key: str, handshake: m.Handshake, start: date) -> list[m.JointObjective]:
    rng = ctx.rng
    pool = ctx.sector(key).joint_objectives
    count = min(len(pool), rng.randint(1, 2) if handshake.stage == "draft" else rng.randint(2, 3))
    rows = []
    for title, kpi, unit, baseline, target in rng.sample(pool, count):
        gap = target - baseline
        base = baseline + gap * rng.uniform(-0.25, 0.25)
        goal = 0.0 if target == 0 else base + gap * rng.uniform(0.85, 1.15)
        if unit == "%":
            base, goal = _clamp(base, 0.0, 100.0), _clamp(goal, 0.0, 100.0)
        base, goal = _kpi_round(base, unit, baseline), _kpi_round(goal, unit, baseline)
        if goal == base:
            base, goal = float(baseline), float(target)
        rows.append(m.JointObjective(handshake_id=handshake.id, title=title, kpi=kpi, unit=unit, baseline=base,
                                     target=goal, due_date=_workday(start + timedelta(days=rng.randint(540, 760)))))
    return rows


def _commitments(ctx: _Seed, key: str, handshake: m.Handshake, start: date,
                 objectives: list[m.JointObjective]) -> list[m.Commitment]:
    rng = ctx.rng
    people = ctx.people[key]
    count = rng.randint(4, 6)
    sides = ["ours", "theirs"] + [rng.choice(m.COMMITMENT_SIDES) for _ in range(count - 2)]
    texts = {"ours": rng.sample(OUR_COMMITMENTS, sides.count("ours")),
             "theirs": rng.sample(THEIR_COMMITMENTS, sides.count("theirs"))}
    our_owners = {"kam": ctx.kam_name(key), "sponsor": ctx.sponsor_name(key) or ctx.kam_name(key),
                  "engineer": rng.choice(OUR_TEAM)}
    their_owners = [people[s].name for s in ("coo", "cpo", "eng", "energy", "cio", "cfo") if s in people]
    rows = []
    for side in sides:
        due = _workday(start + timedelta(days=rng.randint(20, 200)))
        draw = rng.random()
        if handshake.stage == "presented":  # proposed, not agreed yet
            status, done_on = "open", None
        elif due < ctx.today:
            status = "done" if draw < 0.6 else "dropped" if draw < 0.65 else "open" if draw < 0.85 else "in_progress"
            done_on = min(ctx.day(-1), due + timedelta(days=rng.randint(-10, 10))) if status == "done" else None
        else:
            status, done_on = ("open" if draw < 0.6 else "in_progress"), None
        if side == "ours":
            description, who = texts["ours"].pop()
            owner = our_owners[who]
        else:
            description, owner = texts["theirs"].pop(), rng.choice(their_owners)
        rows.append(m.Commitment(
            handshake_id=handshake.id,
            objective_id=rng.choice(objectives).id if objectives and rng.random() < 0.5 else None,
            side=side, description=description, owner=owner, due_date=due, status=status, done_on=done_on))
    return rows


def _handshakes(ctx: _Seed) -> None:
    """Handshakes at every stage, with their history, joint objectives, reviews, KPI readings, commitments."""
    rng = ctx.rng
    plans = []
    for key, (stage, days) in HANDSHAKES.items():
        account, people, sector = ctx.accounts[key], ctx.people[key], ctx.sector(key)
        reached, reviews = _stage_dates(ctx, stage, days)
        next_review = None
        if stage in ("agreed", "in_review"):
            last = reviews[-1] if reviews else reached["agreed"]
            next_review = _workday(last + timedelta(days=REVIEW_EVERY_DAYS))
        handshake = m.Handshake(
            account_id=account.id, stage=stage, stage_since=reached[stage],
            vision=None if stage == "draft" and days < 30 else sector.vision.format(short=ctx.specs[key].short),
            signatory_id=people["coo"].id if stage in ("agreed", "in_review") else None,
            sponsor_id=account.sponsor_id, kam_id=account.kam_id, next_review_on=next_review)
        plans.append((key, handshake, reached, reviews))
    ctx.add([plan[1] for plan in plans])
    ctx.flush()

    later = []  # (key, handshake, reached, joint objectives, reviews), once their ids are known
    rows = []
    for key, handshake, reached, reviews in plans:
        people = ctx.people[key]
        words = {"kam": ctx.kam_name(key), "sponsor": ctx.sponsor_name(key) or "the country manager",
                 "ceo": people["ceo"].name, "signatory": people["coo"].name}
        for stage in m.HANDSHAKE_STAGES[: m.HANDSHAKE_STAGES.index(handshake.stage) + 1]:
            rows.append(m.HandshakeStageEvent(handshake_id=handshake.id, stage=stage, reached_on=reached[stage],
                                              note=STAGE_NOTES[stage].format(**words)))
        start = reached.get("agreed", handshake.stage_since)
        objectives = _joint_objectives(ctx, key, handshake, start)
        review_rows = [
            m.HandshakeReview(handshake_id=handshake.id, review_date=day,
                              notes=rng.choice(REVIEW_NOTES).format(unit=ctx.unit_name(key)),
                              decisions=rng.choice(REVIEW_DECISIONS),
                              next_review_on=_workday(day + timedelta(days=REVIEW_EVERY_DAYS)))
            for day in reviews
        ]
        rows.extend(objectives + review_rows)
        later.append((key, handshake, reached, objectives, review_rows))
    ctx.add(rows)
    ctx.flush()

    rows = []
    for key, handshake, reached, objectives, review_rows in later:
        if review_rows:  # KPI readings: the baseline when agreed, then one per review, moving toward target
            for objective in objectives:
                rows.append(m.KpiReading(objective_id=objective.id, reading_date=reached["agreed"],
                                         value=objective.baseline))
                progress = 0.0
                for review in review_rows:
                    progress = min(0.95, progress + rng.uniform(0.1, 0.25))
                    value = objective.baseline + (objective.target - objective.baseline) * progress
                    rows.append(m.KpiReading(objective_id=objective.id, review_id=review.id,
                                             reading_date=review.review_date,
                                             value=_kpi_round(value, objective.unit, objective.baseline)))
        if handshake.stage in ("presented", "agreed", "in_review"):
            start = reached.get("agreed", reached["presented"])
            rows.extend(_commitments(ctx, key, handshake, start, objectives))
    ctx.add(rows)


# --- executive engagement --------------------------------------------------------------------


@dataclass
class _Pair:
    account: str
    pairing: m.Pairing
    executive: m.Executive
    person: m.Stakeholder
    pattern: str = "on_track"  # on_track, late (for its cadence) or never (met)


def _pairings(ctx: _Seed) -> None:
    """Each sponsor with 1-2 customer executives of their accounts, plus a few other pairings."""
    rng = ctx.rng
    seen: set[tuple[str, int]] = set()

    def pair(executive_key: str, key: str, slot: str) -> None:
        person = ctx.people[key].get(slot)
        if person is None or (executive_key, person.id) in seen:
            return
        seen.add((executive_key, person.id))
        executive = ctx.executives[executive_key]
        cadence = rng.choice([90, 180]) if slot == "ceo" else rng.choice([30, 60, 90, 90])
        strength = _clamp(person.relationship + rng.choice([-1, 0, 0, 1]), 1, 5)
        pairing = m.Pairing(executive_id=executive.id, stakeholder_id=person.id, cadence_days=cadence,
                            strength=strength)
        ctx.pairings.append(_Pair(key, pairing, executive, person))

    for spec in ACCOUNTS:
        if not spec.sponsor or spec.status == "archived":
            continue
        wanted = 2 if _quadrant(*spec.cur) == "strategic" else 1
        preferred = dict.fromkeys(COUNTERPARTS[spec.sponsor] + ["ceo", "coo", "cpo"])
        slots = [slot for slot in preferred if slot in ctx.people[spec.key]]
        for slot in slots[:wanted]:
            pair(spec.sponsor, spec.key, slot)
    for executive_key, key, slot in EXTRA_PAIRINGS:
        pair(executive_key, key, slot)
    ctx.add([p.pairing for p in ctx.pairings])
    ctx.flush()


def _engagement(ctx: _Seed, pairs: list[_Pair], status: str, on_date: date) -> m.Engagement:
    rng = ctx.rng
    key, person = pairs[0].account, pairs[0].person
    words = {
        "cust": person.name,
        "priority": ctx.priorities[key][0][1].title,
        "site": rng.choice([u for u in ctx.units[key] if u.kind == "site"] or ctx.units[key]).name,
        "offer": OFFERS[rng.choice(ctx.offer_keys(key))][0],
        "country": COUNTRIES[ctx.specs[key].country][0],
    }
    executives = [p.executive for i, p in enumerate(pairs) if all(q.executive is not p.executive for q in pairs[:i])]
    ours = [f"{e.name} ({e.title})" for e in executives]
    theirs = [f"{p.person.name} ({p.person.title})" for p in pairs]
    attendees = f"Ours: {', '.join(ours)}, {ctx.kam_name(key)} (KAM). Customer: {', '.join(theirs)}"
    customer = ctx.specs[key].status == "active"

    def pick(texts: list[tuple[str, str]]) -> str:
        return rng.choice([text for text, when in texts if customer or when == "any"]).format(**words)

    kinds = ENGAGEMENT_KINDS if customer else PROSPECT_ENGAGEMENT_KINDS
    engagement = m.Engagement(account_id=ctx.accounts[key].id, kind=rng.choice(kinds), status=status,
                              on_date=on_date, objective="", attendees=attendees)
    if status == "planned":
        engagement.objective = pick(PLANNED_OBJECTIVES)
        engagement.ask = pick(ASKS)
    else:
        engagement.objective = pick(HELD_OBJECTIVES)
        if status == "held":
            engagement.outcome = pick(OUTCOMES)
            engagement.next_step = pick(NEXT_STEPS)
        else:
            engagement.outcome = rng.choice(CANCEL_REASONS).format(**words)
    for prefix, kind in KIND_OF_OBJECTIVE:
        if engagement.objective.startswith(prefix):
            engagement.kind = kind
    return engagement


def _engagements(ctx: _Seed) -> None:
    """Held and cancelled engagements over two quarters, planned ones for the next; some pairings lag."""
    rng = ctx.rng
    pairs = ctx.pairings
    patterns = ["never"] * 3 + ["late"] * 5
    patterns += ["on_track"] * (len(pairs) - len(patterns))
    rng.shuffle(patterns)
    for pair, pattern in zip(pairs, patterns):
        pair.pattern = pattern
    on_track: dict[str, list[_Pair]] = {}
    for pair in pairs:
        if pair.pattern == "on_track":
            on_track.setdefault(pair.account, []).append(pair)

    rows: list[tuple[m.Engagement, list[_Pair]]] = []
    for pair in pairs:
        cadence = pair.pairing.cadence_days
        held, cancelled, planned_in = [], [], None
        if pair.pattern == "on_track":
            last = min(rng.randint(4, max(5, int(cadence * 0.75))), 170)
            ago = last
            while ago <= 182:
                held.append(ago)
                ago += cadence + rng.randint(-10, 10)
            planned_in = cadence - last if 3 <= cadence - last <= 92 else rng.randint(10, 60)
        elif pair.pattern == "late":
            last = min(cadence + rng.randint(20, 60), 240)
            held.append(last)
            cancelled.append(max(3, last - cadence + rng.randint(-5, 5)))
            planned_in = rng.randint(5, 30)
        else:
            if rng.random() < 0.5:
                cancelled.append(rng.randint(20, 100))
            if rng.random() < 0.6:
                planned_in = rng.randint(15, 80)

        events = [("held", _workday(ctx.day(-ago), forward=False)) for ago in held]
        events += [("cancelled", _workday(ctx.day(-ago), forward=False)) for ago in cancelled]
        if planned_in is not None:
            events.append(("planned", _workday(ctx.day(planned_in))))
        for status, on_date in events:
            linked = [pair]
            others = [p for p in on_track.get(pair.account, []) if p is not pair]
            if status == "held" and others and rng.random() < 0.35:
                linked.append(rng.choice(others))
            rows.append((_engagement(ctx, linked, status, on_date), linked))
    ctx.add([row[0] for row in rows])
    ctx.flush()
    ctx.add([m.EngagementPairing(engagement_id=engagement.id, pairing_id=p.pairing.id)
             for engagement, linked in rows for p in linked])
