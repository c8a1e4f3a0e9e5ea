"""The demo portfolio's vocabulary: our side, sectors, places and people, the accounts, and the
texts ``kam_core.demo.seed`` draws from. Every company and person below is invented.

Data tables only; ``seed_demo`` (``kam_core.demo.seed``) turns them into rows. The benchmark
portfolios (``bench/generate.py``) draw on them too.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        units=(
            ("{city1} assembly plant", "site"),
            ("{city2} paint & body shop", "site"),
            ("Powertrain division", "division"),
            ("Battery pack division", "division"),
            ("{country} sales & after-sales", "country"),
        ),
        ops_title="EVP Manufacturing",
        eng_title="Head of Plant Engineering",
        site_title="Plant Director",
        vision="Make {short}'s plants the most energy-efficient in European car making, together: less energy "
        "per vehicle, no production stop when lines are electrified, one maintenance standard.",
        priorities=(
            Prio(
                "Cut energy cost per vehicle by 25% by 2028",
                "Energy is now the second cost line of the plants after labour; the board wants it under control.",
                "metering",
                "Sub-metering of presses and paint shops with a monthly energy performance review",
                "Energy cost per vehicle down 12-18% in two years",
                0.08,
            ),
            Prio(
                "Electrify the powertrain lines without production stops",
                "New battery and e-motor lines must go into existing plants during summer shutdowns.",
                "switchgear",
                "Prefabricated MV/LV substations installed within shutdown windows",
                "No production stop; four weeks saved on each line start-up",
                0.12,
            ),
            Prio(
                "One maintenance standard for all our plants",
                "Each plant still maintains its equipment its own way; spare parts and skills are duplicated.",
                "maintenance",
                "Group maintenance framework with one asset register and one service level",
                "Spare-parts stock down 20%, fewer breakdowns",
                0.06,
            ),
            Prio(
                "Carbon-neutral plants by 2030",
                "Scope 1 and 2 emissions must halve by 2030; investors ask for a credible path.",
                "microgrid",
                "On-site solar and storage microgrids for the largest plants",
                "Up to 30% of plant electricity produced on site",
                0.10,
            ),
            Prio(
                "Protect plant networks from cyber attacks",
                "A ransomware attack stopped a competitor's plant for nine days last year.",
                "otsec",
                "OT security assessment, segmentation and 24/7 monitoring",
                "Plant networks certified; insurance premium reduced",
                0.03,
            ),
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
        units=(
            ("{city1} parcel hub", "site"),
            ("{city2} sorting centre", "site"),
            ("Mail division", "division"),
            ("Parcels & e-commerce division", "division"),
            ("Fleet & depots", "division"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Head of Engineering & Property",
        site_title="Hub Director",
        vision="Make {short}'s network the lowest-carbon parcel network in its markets: an electric fleet charged "
        "in every depot, and hubs that never stop at peak season.",
        priorities=(
            Prio(
                "Electrify the delivery fleet by 2030",
                "Half of urban delivery vans must be electric by 2027; depots lack the power to charge them.",
                "switchgear",
                "Depot charging infrastructure with smart load management",
                "Depots electrified without costly grid upgrades",
                0.15,
            ),
            Prio(
                "Keep sorting hubs running at peak season",
                "A one-hour stop in a hub before Christmas means tens of thousands of late parcels.",
                "predictive",
                "Predictive maintenance of sorter drives and their power supply",
                "Unplanned hub stops down 40%",
                0.05,
            ),
            Prio(
                "Cut the energy bills of our building network",
                "Hundreds of post offices and depots with old heating and lighting.",
                "retrofit",
                "Energy-efficiency retrofits financed from the savings",
                "Energy bills down 20%, paid for by the savings",
                0.07,
            ),
            Prio(
                "Report carbon per parcel to our e-commerce clients",
                "The largest web retailers now choose carriers on carbon data.",
                "analytics",
                "Energy and carbon data platform feeding a carbon-per-parcel figure",
                "Carbon per parcel reported monthly to top clients",
                0.03,
            ),
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
        units=(
            ("{city1} composite plant", "site"),
            ("{city2} machining plant", "site"),
            ("Test & qualification centre", "site"),
            ("Civil programmes division", "division"),
            ("Defence division", "division"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Head of Industrial Engineering",
        site_title="Plant Director",
        vision="Support {short}'s production ramp-up with plants that do not stop and use a third less energy "
        "per part.",
        priorities=(
            Prio(
                "Deliver the production ramp-up on time",
                "Rates must rise 40% in three years; a stopped autoclave or test bench delays aircraft deliveries.",
                "predictive",
                "Condition monitoring of autoclaves, test benches and their power supply",
                "Fewer stops on bottleneck equipment: +3% output",
                0.08,
            ),
            Prio(
                "Qualify new plants fast",
                "Each new plant takes 18 months to qualify with the airframers.",
                "automation",
                "Validated automation and power packages copied from the reference plant",
                "New plant qualified three months earlier",
                0.10,
            ),
            Prio(
                "Halve the energy use of test benches and autoclaves",
                "Energy prices have tripled the running cost of the test centre.",
                "retrofit",
                "Heat recovery and drive retrofits on autoclaves and benches",
                "Energy per part down 25-35%",
                0.06,
            ),
            Prio(
                "Secure the plants against cyber attacks",
                "Defence customers require certified OT security on every production network.",
                "otsec",
                "OT security assessment and monitoring to defence standards",
                "Compliance with defence cyber requirements",
                0.03,
            ),
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
        units=(
            ("{city1} hospital", "site"),
            ("{city2} clinic", "site"),
            ("Day-surgery centres", "division"),
            ("Imaging & diagnostics", "division"),
            ("Facilities & biomedical engineering", "division"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Director of Technical Services",
        site_title="Hospital Director",
        vision="Clinics where power and comfort are never a topic for care staff, and energy costs fall every year.",
        priorities=(
            Prio(
                "Zero power interruption in critical care",
                "Operating theatres and intensive care cannot lose power, even for a second.",
                "switchgear",
                "Critical power architecture with redundant supplies and monitoring",
                "Compliance with hospital safety codes, no theatre downtime",
                0.10,
            ),
            Prio(
                "Integrate newly acquired clinics quickly",
                "Every acquired clinic comes with its own installations, contracts and audit findings.",
                "maintenance",
                "One maintenance and compliance framework applied to each new clinic in six months",
                "Integration six months faster; audits passed first time",
                0.06,
            ),
            Prio(
                "Reduce energy cost despite 24/7 operation",
                "Energy is the fastest-growing cost after staff.",
                "bms",
                "Building management and HVAC optimisation",
                "Energy bill down 15% per bed",
                0.08,
            ),
            Prio(
                "Free care staff from technical incidents",
                "Nurses lose time calling technicians for alarms and failures.",
                "predictive",
                "Remote monitoring with a 24/7 service centre",
                "Fewer technical calls from care staff",
                0.04,
            ),
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
        units=(
            ("{city1} API plant", "site"),
            ("{city2} fill & finish plant", "site"),
            ("Biologics division", "division"),
            ("Global supply chain", "division"),
            ("{city1} R&D campus", "site"),
        ),
        ops_title="EVP Global Manufacturing",
        eng_title="Head of Engineering & Utilities",
        site_title="Site Director",
        vision="Help {short} launch new medicines faster from plants that never lose a batch and head to net zero.",
        priorities=(
            Prio(
                "Build new biologics capacity fast and GMP-compliant",
                "Two new lines must be validated before the patent window of our lead product.",
                "automation",
                "Validated automation and power for the new lines, documentation ready for audits",
                "Lines ready for validation four months earlier",
                0.12,
            ),
            Prio(
                "Never lose a batch to a utility failure",
                "One lost batch of a biologic costs more than a year of utility maintenance.",
                "predictive",
                "Monitored critical power and HVAC for the clean rooms",
                "Batch losses from utilities close to zero",
                0.07,
            ),
            Prio(
                "Net-zero operations by 2035",
                "Our commitment is public; the plan behind it is not yet funded.",
                "analytics",
                "Energy and carbon data platform across all sites",
                "Audited Scope 1-2 reporting; 25% less energy in clean rooms",
                0.05,
            ),
            Prio(
                "Fewer, global suppliers",
                "Fourteen maintenance contracts across our sites; we want one partner per category.",
                "maintenance",
                "Global framework agreement with one service level across sites",
                "Procurement cost down; one contract instead of fourteen",
                0.04,
            ),
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
        units=(
            ("{city1} assembly plant", "site"),
            ("{city2} components plant", "site"),
            ("Imaging systems division", "division"),
            ("Service division", "division"),
            ("{country} distribution centre", "country"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Head of Engineering",
        site_title="Plant Director",
        vision="Make {short}'s systems the most available in the hospitals they serve, built in plants that "
        "use less energy every year.",
        priorities=(
            Prio(
                "Embed proven power components in our devices",
                "Certification delays come from power supplies qualified too late.",
                "switchgear",
                "Pre-qualified power and protection components supplied as OEM parts",
                "Devices certified faster with pre-qualified components",
                0.10,
            ),
            Prio(
                "Raise uptime of installed imaging systems",
                "Hospitals now buy uptime, with penalties in service contracts.",
                "predictive",
                "Remote monitoring of power and cooling of systems in hospitals",
                "Fewer service visits; uptime above 98%",
                0.06,
            ),
            Prio(
                "Cut manufacturing cost by 10%",
                "Price pressure from hospital purchasing groups keeps rising.",
                "retrofit",
                "Energy-efficiency retrofits of clean rooms and test areas",
                "Plant energy cost down 15%",
                0.05,
            ),
            Prio(
                "Meet the new EU sustainability reporting rules",
                "Our first audited sustainability report is due next year.",
                "analytics",
                "Energy and carbon data platform for plants and warehouses",
                "Audit-ready energy and carbon data",
                0.03,
            ),
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
        units=(
            ("Companion-animal clinics network", "division"),
            ("Livestock & rural cooperatives", "division"),
            ("{city1} central warehouse", "site"),
            ("Member services", "division"),
            ("{country} regional platforms", "country"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Head of Member Technical Services",
        site_title="Warehouse Director",
        vision="Give {short}'s members an energy and maintenance offer no independent clinic could get alone.",
        priorities=(
            Prio(
                "Give members better prices than they get alone",
                "Members stay only if the group's prices beat what they negotiate themselves.",
                "maintenance",
                "Group framework prices with volume tiers for all members",
                "Members save 8-12% on electrical works and maintenance",
                0.05,
            ),
            Prio(
                "Help clinics cut their energy bills",
                "Small clinics were hit hard by energy prices; many ask the group for help.",
                "retrofit",
                "Packaged retrofit offer (lighting, HVAC, metering) for small clinics",
                "Energy bill down 20% per clinic",
                0.06,
            ),
            Prio(
                "Keep vaccines and medicines at the right temperature",
                "Cold-chain breaks destroy stock and put animals at risk.",
                "metering",
                "Monitoring of cold rooms and fridges with alerts",
                "No stock lost to cold-chain breaks",
                0.03,
            ),
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
        units=(
            ("{city1} campus", "site"),
            ("{city2} campus", "site"),
            ("New builds & construction", "division"),
            ("Operations & critical facilities", "division"),
            ("{country} colocation", "country"),
        ),
        ops_title="SVP Data Centre Operations",
        eng_title="Head of Critical Facilities Engineering",
        site_title="Campus Director",
        vision="Power {short}'s growth: campuses live months earlier, PUE of 1.2 and not one minute of critical "
        "power lost.",
        priorities=(
            Prio(
                "Deliver new campuses in 18 months instead of 30",
                "Every month of delay is a month of AI capacity sold by someone else.",
                "switchgear",
                "Prefabricated power modules and skids built in our factories",
                "Time to power-on cut by nine months",
                0.15,
            ),
            Prio(
                "Reach a PUE of 1.2 on every new campus",
                "Our customers and regulators publish PUE league tables.",
                "analytics",
                "Cooling and power optimisation with our analytics platform",
                "PUE 1.2; energy bill down 10%",
                0.06,
            ),
            Prio(
                "100% uptime for AI clusters",
                "AI customers sign contracts with heavy penalties for any outage.",
                "microgrid",
                "Battery storage and monitored critical power",
                "Tier IV availability; grid-services revenue from the batteries",
                0.08,
            ),
            Prio(
                "Start campuses before the grid connection is ready",
                "Grid connections take four years in our main regions.",
                "microgrid",
                "On-site generation and storage bridging the wait for the grid",
                "Campus live 12 months before the grid reinforcement",
                0.10,
            ),
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
        markets="Generation and networks in {country}; renewables grow 15% a year; the network business is regulated.",
        units=(
            ("Renewables division", "division"),
            ("Networks & substations", "division"),
            ("{city1} wind cluster", "site"),
            ("{city2} storage site", "site"),
            ("Retail & services", "division"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Head of Grid Engineering",
        site_title="Site Director",
        vision="Connect {short}'s renewables faster and run a smarter, safer network, with a joint energy-services "
        "offer for its business clients.",
        priorities=(
            Prio(
                "Connect 2 GW of renewables by 2028",
                "Parks are built but wait for their substations.",
                "switchgear",
                "Substation and grid-connection packages for wind and solar parks",
                "Parks connected six months earlier",
                0.12,
            ),
            Prio(
                "Digitalise the distribution network",
                "The regulator rewards fewer outage minutes.",
                "metering",
                "Monitoring and analytics for secondary substations",
                "Outage minutes down 25%",
                0.06,
            ),
            Prio(
                "Make field maintenance safer and cheaper",
                "Too many truck rolls for failures we could have predicted.",
                "predictive",
                "Condition-based maintenance of substations",
                "A third fewer unplanned interventions",
                0.05,
            ),
            Prio(
                "Offer energy services to our business clients",
                "Retail margins shrink; services are the growth engine.",
                "microgrid",
                "Joint offer of microgrids and storage for its business clients",
                "New services revenue with a partner's technology",
                0.08,
            ),
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
        units=(
            ("{city1} head office", "site"),
            ("Data centres", "division"),
            ("Branch network", "division"),
            ("Corporate real estate", "division"),
            ("{country} retail bank", "country"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Head of Corporate Real Estate",
        site_title="Facilities Director",
        vision="A bank whose buildings use a third less energy and whose data centres never stop.",
        priorities=(
            Prio(
                "Cut the real-estate energy bill by 30%",
                "The board committed to it in the last annual report.",
                "bms",
                "Building management and retrofits of head offices and branches",
                "Energy bill down 30% in four years",
                0.08,
            ),
            Prio(
                "Pass the new operational-resilience rules",
                "Regulators now audit the resilience of our data centres.",
                "switchgear",
                "Critical power upgrade and monitoring of both data centres",
                "Resilience audit passed, no outage",
                0.10,
            ),
            Prio(
                "Meet our net-zero commitment for own operations",
                "Our investors compare banks on their own emissions too.",
                "analytics",
                "Energy and carbon reporting for all buildings",
                "Audit-ready carbon reporting",
                0.03,
            ),
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
        units=(
            ("{city1} head office", "site"),
            ("Claims centres", "division"),
            ("IT & data centre", "division"),
            ("Business clients division", "division"),
            ("Regional offices", "division"),
        ),
        ops_title="Chief Operating Officer",
        eng_title="Head of Facilities",
        site_title="Facilities Director",
        vision="Fewer electrical fires at {short}'s insured businesses, and offices that use less energy.",
        priorities=(
            Prio(
                "Lower claims from electrical fires at insured businesses",
                "Electrical fires are our most expensive claims in the business segment.",
                "metering",
                "Thermal and power monitoring offered to insured businesses",
                "Fewer fire claims; prevention as a selling point",
                0.05,
            ),
            Prio(
                "Cut the energy use of our offices",
                "Office space is half-empty since hybrid work but fully heated.",
                "bms",
                "Occupancy-based building management",
                "Office energy down 25%",
                0.06,
            ),
            Prio(
                "Keep our data centre available",
                "Claims handling stops when the data centre stops.",
                "switchgear",
                "Critical power upgrade with monitoring",
                "No outage of claims systems",
                0.05,
            ),
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
    "fr": (
        [
            "Marc",
            "Sophie",
            "Julien",
            "Nathalie",
            "Olivier",
            "Isabelle",
            "Thierry",
            "Camille",
            "Laurent",
            "Céline",
            "Antoine",
            "Valérie",
            "Hugo",
            "Élodie",
            "Bertrand",
            "Agnès",
        ],
        [
            "Lefèvre",
            "Moreau",
            "Girard",
            "Bonnet",
            "Faure",
            "Mercier",
            "Lambert",
            "Rousseau",
            "Garnier",
            "Chevalier",
            "Perrin",
            "Morel",
            "Fournier",
            "Gauthier",
            "Masson",
            "Renaud",
        ],
    ),
    "de": (
        [
            "Stefan",
            "Katrin",
            "Jürgen",
            "Anja",
            "Matthias",
            "Sabine",
            "Frank",
            "Julia",
            "Andreas",
            "Petra",
            "Tobias",
            "Claudia",
            "Michael",
            "Nicole",
            "Uwe",
            "Birgit",
        ],
        [
            "Hoffmann",
            "Schäfer",
            "Keller",
            "Richter",
            "Wagner",
            "Becker",
            "Neumann",
            "Schulz",
            "Zimmermann",
            "Krüger",
            "Hartmann",
            "Lange",
            "Brandt",
            "Vogt",
            "Seidel",
            "Franke",
        ],
    ),
    "it": (
        [
            "Marco",
            "Giulia",
            "Alessandro",
            "Francesca",
            "Luca",
            "Chiara",
            "Paolo",
            "Elena",
            "Davide",
            "Silvia",
            "Roberto",
            "Federica",
            "Matteo",
            "Valentina",
        ],
        [
            "Rossi",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
            "Marino",
            "Greco",
            "Bruno",
            "Gallo",
            "Conti",
            "De Luca",
            "Mancini",
        ],
    ),
    "es": (
        [
            "Javier",
            "Lucía",
            "Carlos",
            "Marta",
            "Alberto",
            "Elena",
            "Pablo",
            "Carmen",
            "Raúl",
            "Beatriz",
            "Miguel",
            "Nuria",
            "Jorge",
            "Inés",
        ],
        [
            "García",
            "Fernández",
            "López",
            "Martín",
            "Sánchez",
            "Romero",
            "Ortega",
            "Delgado",
            "Castillo",
            "Molina",
            "Rubio",
            "Herrera",
            "Iglesias",
            "Vidal",
        ],
    ),
    "en": (
        [
            "Oliver",
            "Emma",
            "George",
            "Charlotte",
            "Henry",
            "Amelia",
            "Jack",
            "Sarah",
            "Rachel",
            "David",
            "Hannah",
            "Peter",
            "Laura",
            "Simon",
            "Grace",
            "Michael",
        ],
        [
            "Turner",
            "Hughes",
            "Walsh",
            "Bennett",
            "Murphy",
            "Collins",
            "Fletcher",
            "Harris",
            "Morgan",
            "Price",
            "Reid",
            "Sullivan",
            "Carter",
            "Ellis",
            "Doyle",
            "Patel",
        ],
    ),
    "nl": (
        ["Jeroen", "Sanne", "Maarten", "Femke", "Bram", "Lotte", "Wouter", "Eva", "Joost", "Anouk", "Koen", "Ilse"],
        [
            "de Vries",
            "Jansen",
            "Bakker",
            "Visser",
            "Smit",
            "Mulder",
            "de Boer",
            "Bos",
            "Vos",
            "Peeters",
            "Maes",
            "Claes",
        ],
    ),
    "nordic": (
        ["Lars", "Ingrid", "Mikael", "Sofie", "Henrik", "Maja", "Anders", "Karin", "Jonas", "Freja", "Mikko", "Aino"],
        [
            "Andersson",
            "Nilsson",
            "Johansson",
            "Lund",
            "Berg",
            "Holm",
            "Dahl",
            "Virtanen",
            "Korhonen",
            "Nieminen",
            "Sørensen",
            "Christensen",
        ],
    ),
    "pl": (
        ["Piotr", "Anna", "Tomasz", "Katarzyna", "Marcin", "Agnieszka", "Paweł", "Magdalena", "Jakub", "Ewa"],
        ["Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek"],
    ),
    "lt": (
        ["Tomas", "Mindaugas", "Darius", "Andrius", "Paulius", "Vytautas", "Marius", "Giedrius"],
        ["Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas", "Butkus", "Paulauskas"],
    ),
    "sg": (
        ["Wei Ling", "Rajesh", "Mei", "Arjun", "Siew Ping", "Daniel", "Hui Min", "Kumar"],
        ["Tan", "Lim", "Ng", "Krishnan", "Wong", "Chua", "Goh", "Rahim"],
    ),
}
POOL_OF_COUNTRY = {
    "FR": "fr",
    "LU": "fr",
    "DE": "de",
    "CH": "de",
    "IT": "it",
    "ES": "es",
    "GB": "en",
    "IE": "en",
    "US": "en",
    "NL": "nl",
    "BE": "nl",
    "SE": "nordic",
    "DK": "nordic",
    "FI": "nordic",
    "PL": "pl",
    "LT": "lt",
    "SG": "sg",
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
    AccountSpec(
        "veltara_mg",
        "Veltara Motors Group",
        "Veltara",
        "auto",
        "NL",
        "okafor",
        "duval",
        95,
        0.38,
        0.06,
        21,
        cur=(7.8, 7.1),
        prev=(7.6, 6.9),
        group="Veltara Motors Group",
        event="Born from the 2023 merger of a French and an Italian carmaker; 14 plants are being put "
        "under one operations model. New group CEO since January.",
        notes="Group account: the Italian and French subsidiaries are planned as children of this account.",
    ),
    AccountSpec(
        "veltara_it",
        "Veltara Automobili Italia",
        "Veltara Italia",
        "auto",
        "IT",
        "marchetti",
        "osei",
        25,
        0.12,
        0.10,
        17,
        cur=(6.6, 3.9),
        prev=(6.4, 3.6),
        parent="veltara_mg",
        group="Veltara Motors Group",
        event="Chosen to build the group's next electric platform; a 1.2 bn EUR retooling plan for its two "
        "Italian plants was announced in spring.",
    ),
    AccountSpec(
        "veltara_fr",
        "Veltara Carrosserie France",
        "Veltara France",
        "auto",
        "FR",
        "marchetti",
        None,
        9,
        0.55,
        0.01,
        24,
        cur=(3.7, 6.9),
        prev=(3.9, 6.8),
        parent="veltara_mg",
        group="Veltara Motors Group",
        depth="partial",
        event="Body-in-white plant kept after the merger, but volumes were cut by 15% and a second shift removed.",
    ),
    AccountSpec(
        "kessler",
        "Kessler-Autowerke AG",
        "Kessler",
        "auto",
        "DE",
        "brenner",
        "navarro",
        60,
        0.42,
        0.08,
        23,
        cur=(7.2, 7.5),
        prev=(7.0, 7.3),
        event="Took over a battery-module supplier in 2025 and is building a large module plant in eastern Germany.",
    ),
    AccountSpec(
        "nordhavn",
        "Nordhavn Automotive AB",
        "Nordhavn",
        "auto",
        "SE",
        "whitfield",
        "osei",
        30,
        0.15,
        -0.04,
        14,
        cur=(6.1, 4.3),
        prev=(6.3, 5.5),
        event="We lost a three-year maintenance tender to a low-cost rival in the spring; a new CPO hired "
        "from the truck industry is re-tendering every indirect category.",
    ),
    AccountSpec(
        "postavia",
        "Postavia Group",
        "Postavia",
        "post",
        "FR",
        "fontaine",
        "berger",
        48,
        0.35,
        0.05,
        19,
        cur=(7.0, 6.5),
        prev=(7.1, 6.2),
        group="Postavia Group",
        event="Parcels overtook mail in revenue last year; the group bought a Benelux parcel carrier and "
        "plans 4,000 electric vans by 2027.",
    ),
    AccountSpec(
        "postavia_bnl",
        "Postavia Parcels Benelux",
        "Postavia Benelux",
        "post",
        "BE",
        "kowalska",
        None,
        6,
        0.58,
        0.02,
        27,
        cur=(4.0, 7.2),
        prev=(4.2, 7.0),
        parent="postavia",
        group="Postavia Group",
        depth="partial",
        event="Integrated into Postavia Group after the 2024 acquisition; procurement is now partly run from Paris.",
    ),
    AccountSpec(
        "aerivon",
        "Aerivon Aerostructures",
        "Aerivon",
        "aero",
        "FR",
        "okafor",
        "navarro",
        40,
        0.45,
        0.12,
        24,
        cur=(8.2, 7.4),
        prev=(8.0, 7.2),
        event="Ramping up on two single-aisle programmes; opened a composite plant in Morocco and is "
        "qualifying a second one in Spain.",
    ),
    AccountSpec(
        "skyforge",
        "Skyforge Propulsion Ltd",
        "Skyforge",
        "aero",
        "GB",
        "whitfield",
        "lindqvist",
        35,
        0.22,
        0.25,
        20,
        cur=(7.5, 5.7),
        prev=(7.3, 4.5),
        depth="partial",
        event="Won the nacelle package of a new regional aircraft; test-bench capacity doubles by 2028. Our "
        "condition-monitoring pilot on two benches convinced the plant director.",
    ),
    AccountSpec(
        "helix",
        "Helix Rotor Systems GmbH",
        "Helix Rotor",
        "aero",
        "DE",
        "brenner",
        None,
        8,
        0.50,
        0.0,
        27,
        cur=(4.3, 7.0),
        prev=(4.4, 7.1),
        event="Defence orders up, civil helicopter market flat; headcount frozen and capex limited to maintenance.",
    ),
    AccountSpec(
        "santea",
        "Santéa Cliniques",
        "Santéa",
        "health",
        "FR",
        "fontaine",
        None,
        22,
        0.40,
        0.09,
        22,
        cur=(6.9, 6.7),
        prev=(6.7, 6.6),
        event="Acquired 11 independent clinics in 18 months; the new COO wants one technical standard for every site.",
    ),
    AccountSpec(
        "albamar",
        "Clínicas Albamar",
        "Albamar",
        "health",
        "ES",
        "marchetti",
        "rahman",
        14,
        0.10,
        0.18,
        16,
        cur=(6.3, 3.8),
        prev=(6.0, 3.4),
        event="Owned by a private-equity fund since 2025; two new hospitals under construction, a tender "
        "for critical power is expected next year.",
    ),
    AccountSpec(
        "lumenthis",
        "Lumenthis Pharma AG",
        "Lumenthis",
        "pharma",
        "CH",
        "okafor",
        "berger",
        38,
        0.33,
        0.07,
        26,
        cur=(7.5, 6.3),
        prev=(7.4, 6.0),
        event="Building a biologics plant near Basel, commissioning in 2027; the new CPO launched a "
        "group-wide supplier consolidation programme.",
    ),
    AccountSpec(
        "corvane",
        "Corvane Biologics",
        "Corvane",
        "pharma",
        "IE",
        "whitfield",
        None,
        12,
        0.01,
        0.0,
        18,
        cur=(6.4, 2.4),
        status="prospect",
        depth="partial",
        event="Closed a Series D round; converting a former food plant near Cork into a cell-therapy site. "
        "A first pilot order for cold-room monitoring was placed last year.",
    ),
    AccountSpec(
        "wislomed",
        "Wisłomed Pharma",
        "Wisłomed",
        "pharma",
        "PL",
        "kowalska",
        None,
        5,
        0.45,
        0.04,
        25,
        cur=(3.8, 6.5),
        prev=(3.6, 6.4),
        depth="partial",
        event="Generic-drug maker; lost a large hospital tender to Asian imports and launched a cost-cutting plan.",
    ),
    AccountSpec(
        "medivance",
        "Medivance Imaging Systems",
        "Medivance",
        "medtech",
        "DE",
        "brenner",
        "lindqvist",
        30,
        0.48,
        0.04,
        25,
        cur=(6.5, 7.7),
        prev=(6.6, 7.6),
        group="Medivance Group",
        event="Sold its ultrasound business to focus on MRI and CT; its service business grows 9% a year.",
    ),
    AccountSpec(
        "medivance_apac",
        "Medivance Asia Pacific Pte Ltd",
        "Medivance APAC",
        "medtech",
        "SG",
        "okafor",
        None,
        18,
        0.08,
        0.35,
        15,
        cur=(6.4, 3.3),
        prev=(6.2, 2.9),
        parent="medivance",
        group="Medivance Group",
        depth="partial",
        event="Opened a regional assembly and refurbishment centre in Singapore to serve Asian hospitals.",
    ),
    AccountSpec(
        "orthelia",
        "Orthelia Surgical",
        "Orthelia",
        "medtech",
        "NL",
        "kowalska",
        None,
        3,
        0.18,
        -0.02,
        11,
        cur=(3.0, 3.1),
        prev=(3.2, 3.4),
        depth="partial",
        event="Orthopaedic implants maker under margin pressure; procurement buys through e-auctions.",
    ),
    AccountSpec(
        "animalis",
        "Animalis Purchasing Group",
        "Animalis",
        "animal",
        "FR",
        "fontaine",
        "vandijk",
        4,
        0.60,
        0.03,
        27,
        cur=(4.2, 7.9),
        prev=(4.0, 7.8),
        event="Now buys for 850 veterinary clinics after merging with a rural cooperative network.",
    ),
    AccountSpec(
        "nordvet",
        "NordVet Buying Group",
        "NordVet",
        "animal",
        "DK",
        "whitfield",
        None,
        2.5,
        0.22,
        0.01,
        9,
        cur=(2.4, 3.5),
        prev=(2.6, 3.6),
        depth="thin",
    ),
    AccountSpec(
        "cirrenta",
        "Cirrenta Data Centres",
        "Cirrenta",
        "cloud",
        "IE",
        "okafor",
        "lindqvist",
        70,
        0.30,
        0.22,
        20,
        cur=(8.8, 6.4),
        prev=(8.6, 6.1),
        event="Three new campuses announced for AI workloads; grid-connection delays in Dublin push it to "
        "on-site generation.",
    ),
    AccountSpec(
        "altostrata",
        "Altostrata Cloud Inc.",
        "Altostrata",
        "cloud",
        "US",
        "okafor",
        "duval",
        110,
        0.18,
        0.30,
        18,
        cur=(9.1, 5.6),
        prev=(8.9, 5.4),
        event="Hyperscale build-out in Europe: six campuses in four years, with power modules standardised "
        "on two global suppliers only.",
    ),
    AccountSpec(
        "polarbyte",
        "Polarbyte Hosting Oy",
        "Polarbyte",
        "cloud",
        "FI",
        "whitfield",
        "rahman",
        20,
        0.0,
        0.0,
        16,
        cur=(6.8, 2.2),
        status="prospect",
        depth="thin",
        event="Colocation start-up using free cooling and heat reuse; a second site is being planned.",
    ),
    AccountSpec(
        "voltera",
        "Voltera Énergie",
        "Voltera",
        "energy",
        "FR",
        "fontaine",
        "osei",
        55,
        0.52,
        0.03,
        22,
        cur=(6.8, 8.0),
        prev=(6.9, 8.1),
        event="Reorganised into three business units (renewables, networks, services); renewables capex up 40%.",
    ),
    AccountSpec(
        "iberwind",
        "Iberwind Renovables",
        "Iberwind",
        "energy",
        "ES",
        "marchetti",
        None,
        28,
        0.36,
        0.15,
        24,
        cur=(6.8, 6.2),
        prev=(6.5, 5.9),
        event="Wind developer turned integrated producer: 1.5 GW of solar and storage projects in Spain and "
        "Portugal in the pipeline.",
    ),
    AccountSpec(
        "baltgrid",
        "Baltgrid Transmission",
        "Baltgrid",
        "energy",
        "LT",
        "kowalska",
        None,
        7,
        0.40,
        0.05,
        16,
        cur=(4.3, 5.6),
        prev=(4.1, 4.6),
        event="Synchronisation with the continental European grid completed; a substation refurbishment "
        "programme is funded by EU grants. We won the first two lots.",
    ),
    AccountSpec(
        "helvane",
        "Banque Hélvane",
        "Hélvane",
        "bank",
        "LU",
        "brenner",
        "berger",
        10,
        0.45,
        0.02,
        26,
        cur=(4.5, 6.8),
        prev=(4.6, 6.9),
        depth="partial",
        event="New operational-resilience rules trigger an audit of both data centres; the branch network "
        "was cut by a third.",
    ),
    AccountSpec(
        "crestmont",
        "Crestmont Bank plc",
        "Crestmont",
        "bank",
        "GB",
        "whitfield",
        None,
        5,
        0.12,
        -0.30,
        8,
        cur=(3.0, 3.2),
        status="archived",
        depth="partial",
        event="Facilities outsourced to an integrated FM provider in 2025.",
        notes="Archived: facilities outsourced to an FM provider; no direct business since then.",
    ),
    AccountSpec(
        "assurelia",
        "Assurelia Mutuelle",
        "Assurelia",
        "insurance",
        "FR",
        "fontaine",
        None,
        4,
        0.15,
        -0.03,
        10,
        cur=(3.6, 3.7),
        prev=(3.4, 3.9),
        depth="partial",
        event="Mutual insurer merging with a regional peer; head-office move planned for 2027.",
    ),
    AccountSpec(
        "quorvant",
        "Quorvant Versicherung AG",
        "Quorvant",
        "insurance",
        "DE",
        "brenner",
        None,
        6,
        0.0,
        0.0,
        14,
        cur=(4.4, 1.8),
        status="prospect",
        depth="thin",
    ),
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
        [
            "New sites and capacity announced; spend growing over 10% a year",
            "Acquisitions and new builds push category spend up sharply",
        ],
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

OUR_SPONSOR = "our sponsor"  # an action's {sponsor} when the account has none
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
COUNTRY_MANAGER = "the country manager"  # a stage's note, when the account has no sponsor of ours
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
    (
        "Constructive meeting; {cust} wants the pilot extended to a second site, budget to be confirmed by Finance.",
        "customer",
    ),
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
ATTENDEES = "Ours: {ours}, {kam} (KAM). Customer: {theirs}"
# Objectives that imply the kind of engagement.
KIND_OF_OBJECTIVE = [
    ("Visit ", "visit"),
    ("Site visit", "visit"),
    ("Quarterly business review", "qbr"),
    ("Informal catch-up", "event"),
]


OBJECTIVE_ORDER = {
    "strategic": ["revenue", "co_innovation", "relationship", "share_of_wallet"],
    "develop": ["share_of_wallet", "relationship", "revenue", "co_innovation"],
    "maintain": ["revenue", "relationship", "share_of_wallet", "co_innovation"],
    "opportunistic": ["revenue", "share_of_wallet", "relationship", "co_innovation"],
}

# Days between reaching a stage and reaching the next one.
STAGE_GAPS = {"draft": (20, 50), "internally_reviewed": (15, 40), "presented": (20, 45)}

# CRM lines' labels and what a won deal or an open opportunity is about (data_fr has them in French).
REVENUE_LABELS = {
    "invoice": "Invoice - {offer}",
    "won": "Won - {offer}, {what}",
    "opportunity": "Opportunity - {offer}, {what}",
}
WON_WHATS = ["three-year framework", "site project", "extension", "pilot"]
OPPORTUNITY_WHATS = ["new site", "renewal", "group framework", "retrofit programme", "pilot extension"]
# An account objective's (title, target) by kind; "first_order" is the revenue objective of an
# account that buys little from us yet. Amounts in M EUR, already formatted.
OBJECTIVE_TEXTS = {
    "first_order": ("Win a first significant order at {short}", "First order above {first} M EUR"),
    "revenue": ("Grow yearly revenue with {short} from {revenue} to {target} M EUR", "{target} M EUR a year"),
    "share_of_wallet": ("Raise our share of wallet at {short} from {start}% to {end}%", "{end}% of its category spend"),
    "relationship": (
        "Build a regular relationship with {short}'s {ops}",
        "Two executive meetings a year, sponsor pairing in place",
    ),
    "co_innovation": ("Run a joint pilot on '{priority}'", "Pilot results signed off by both sponsors"),
}
# The account's ambition by its portfolio posture.
AMBITIONS = {
    "strategic": "By {year}, be {short}'s reference partner for energy and operations: {goal} M EUR a year "
    "(from {revenue} M EUR), share of wallet from {sow}% to {sow_goal}%, a handshake reviewed every quarter "
    "and one co-innovation project a year, starting with '{priority}'.",
    "develop": "Win position at {short} within three years: from {sow}% to {sow_goal}% share of wallet by "
    "becoming a framework supplier and landing a flagship project on '{priority}'.",
    "maintain": "Keep {short} at about {revenue} M EUR a year with less effort: renew the framework, move "
    "routine service to remote monitoring and protect a {margin}% margin.",
    "opportunistic": "Serve {short} profitably through distributors and our web shop; answer tenders only when "
    "the margin exceeds {margin}%.",
}


# --- the programme as a business case (kam_core.demo.programme_case) ------------------------------

PROGRAMME_AMBITION = (
    "Grow with the customers that shape our markets: a short list of strategic accounts growing twice as fast "
    "as the company, each with a three-year plan agreed with the customer and an executive sponsor."
)
PROGRAMME_FINAL_AMBITION = (
    "Create value with our strategic customers rather than sell to them: offers designed together, their "
    "energy and uptime targets written into our roadmap, and a seat at their investment decisions."
)
# metric -> name (the custom target's under "custom"); the units that are words
TARGET_NAMES = {
    "strategic_revenue_share": "Revenue made with strategic accounts",
    "strategic_growth_ratio": "Strategic accounts' growth against organic growth",
    "handshake_coverage": "Strategic accounts with an agreed handshake",
    "sponsor_coverage": "Strategic accounts with an executive sponsor",
    "plans_filled": "How full the strategic accounts' plans are (average)",
    "strategic_per_kam": "Strategic accounts per KAM",
    "custom": "Joint innovation projects",
}
TARGET_UNITS = {"strategic_per_kam": "accounts", "custom": "projects"}  # the others: % or ×
