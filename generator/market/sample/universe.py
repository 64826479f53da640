"""Hand-written tables for the fictional sample universe: companies, cohorts, news and source texts.

Everything here is invented. Keeping the data apart from generate.py lets an editor change a name,
a headline or a press release without reading simulation code. Tickers were chosen to avoid the
symbols of well-known listed companies.
"""

# ruff: noqa: E501  (the tables read best one row per line)

from __future__ import annotations

from typing import NamedTuple


class Company(NamedTuple):
    ticker: str
    name: str
    sector: str
    sub_industry: str
    group: str  # cohort leaf (a key of THEMES) or "" for an ordinary company
    market_cap: float  # USD bn at the as-of date
    vol: float  # target annualised volatility
    dividend_yield: float  # percent; 0.0 marks a known non-payer


IT = "Information Technology"
COMM = "Communication Services"
RE = "Real Estate"
UTIL = "Utilities"
HC = "Health Care"
FIN = "Financials"
ENERGY = "Energy"
IND = "Industrials"
DISC = "Consumer Discretionary"
STAPLES = "Consumer Staples"
MAT = "Materials"

SEMIS = "Semiconductors"
DATA_CENTERS = "Data centers"
CLOUD = "Cloud providers"
NETWORKING = "Networking"
POWER = "Power utilities"
HYPERSCALERS = "Mega-cap hyperscalers"
SOFTWARE = "Software"
AI_PRODUCTIVITY = "AI productivity"

AI_INFRASTRUCTURE = "AI infrastructure"

# cohort name -> its sub-groups (a leaf cohort maps to None); order is the order in cohorts.yaml
COHORT_LAYOUT: dict[str, tuple[str, ...] | None] = {
    AI_INFRASTRUCTURE: (SEMIS, DATA_CENTERS, CLOUD, NETWORKING, POWER),
    HYPERSCALERS: None,
    "AI software": (SOFTWARE, AI_PRODUCTIVITY),
}

# fmt: off
COMPANIES: tuple[Company, ...] = (
    # AI infrastructure: semiconductors
    Company("HLXM", "Helix Microdevices", IT, "Semiconductors", SEMIS, 1150, 0.48, 0.1),
    Company("QVRA", "Quorvant Semiconductor", IT, "Semiconductors", SEMIS, 310, 0.52, 0.0),
    Company("BWSL", "Brightwell Silicon", IT, "Semiconductors", SEMIS, 145, 0.44, 0.9),
    Company("TRVX", "Travex Lithography", IT, "Semiconductor Materials & Equipment", SEMIS, 220, 0.40, 0.7),
    Company("KSTP", "Kestrel Photonics", IT, "Semiconductors", SEMIS, 38, 0.60, 0.0),
    Company("CRDM", "Corundel Memory", IT, "Semiconductors", SEMIS, 95, 0.58, 0.4),
    Company("VNFB", "Ventara Fabrication Systems", IT, "Semiconductor Materials & Equipment", SEMIS, 64, 0.46, 0.8),
    # AI infrastructure: data centers
    Company("VLDC", "Vaultline Data Centers", RE, "Data Center REITs", DATA_CENTERS, 88, 0.32, 2.6),
    Company("HBGC", "Harborgate Compute Properties", RE, "Data Center REITs", DATA_CENTERS, 41, 0.36, 3.1),
    Company("IVCL", "Ironvale Colocation", RE, "Data Center REITs", DATA_CENTERS, 17, 0.41, 2.2),
    Company("NSDT", "Northspan Data Trust", RE, "Data Center REITs", DATA_CENTERS, 9.5, 0.38, 3.8),
    Company("CBLN", "Cobaltline Infrastructure", RE, "Telecom Tower REITs", DATA_CENTERS, 12, 0.35, 3.3),
    # AI infrastructure: cloud providers
    Company("NMBX", "Nimbrix Cloud", IT, "Internet Services & Infrastructure", CLOUD, 135, 0.45, 0.0),
    Company("SKLF", "Skyloft Compute", IT, "Internet Services & Infrastructure", CLOUD, 28, 0.62, 0.0),
    Company("ALSC", "Altoscale Cloud", IT, "Internet Services & Infrastructure", CLOUD, 52, 0.47, 0.0),
    Company("FRMS", "Firmament Systems", IT, "IT Consulting & Other Services", CLOUD, 19, 0.50, 0.0),
    Company("PRVC", "Paravane Cloud", IT, "Internet Services & Infrastructure", CLOUD, 6.8, 0.58, 0.0),
    # AI infrastructure: networking
    Company("FBRN", "Fibrenne Optical", IT, "Communications Equipment", NETWORKING, 47, 0.50, 0.0),
    Company("SWNW", "Switchwell Networks", IT, "Communications Equipment", NETWORKING, 160, 0.34, 1.4),
    Company("MSHP", "Meshpoint Systems", IT, "Communications Equipment", NETWORKING, 23, 0.42, 0.6),
    Company("QLNO", "Quillon Optics", IT, "Electronic Components", NETWORKING, 31, 0.49, 0.0),
    Company("TDWR", "Tidewire Networks", IT, "Electronic Manufacturing Services", NETWORKING, 14, 0.44, 0.5),
    # AI infrastructure: power utilities
    Company("BSPL", "Bluestem Power & Light", UTIL, "Electric Utilities", POWER, 74, 0.23, 3.2),
    Company("CWGR", "Coldwater Grid", UTIL, "Electric Utilities", POWER, 39, 0.21, 3.6),
    Company("RDMU", "Redmarsh Utilities", UTIL, "Multi-Utilities", POWER, 28, 0.19, 4.1),
    Company("PLMG", "Pellmont Generation", UTIL, "Independent Power Producers & Energy Traders", POWER, 56, 0.38, 1.1),
    Company("ASHG", "Ashgrove Renewables", UTIL, "Renewable Electricity", POWER, 12, 0.34, 1.8),
    # mega-cap hyperscalers
    Company("OMVL", "Omnivale Technologies", IT, "Systems Software", HYPERSCALERS, 3150, 0.27, 0.7),
    Company("ZNTH", "Zenithal Platforms", COMM, "Interactive Media & Services", HYPERSCALERS, 2240, 0.31, 0.5),
    Company("BRMC", "Bramblecrest Commerce", DISC, "Broadline Retail", HYPERSCALERS, 2050, 0.33, 0.0),
    Company("ARLS", "Auralis Group", COMM, "Interactive Media & Services", HYPERSCALERS, 1580, 0.36, 0.3),
    Company("STLX", "Stellarix Corporation", IT, "Internet Services & Infrastructure", HYPERSCALERS, 960, 0.30, 0.9),
    # AI software
    Company("LDSA", "Lodestar Analytics", IT, "Application Software", SOFTWARE, 72, 0.36, 0.0),
    Company("PRPT", "Parapet Security", IT, "Systems Software", SOFTWARE, 58, 0.38, 0.0),
    Company("INKD", "Inkwell Data", IT, "Application Software", SOFTWARE, 26, 0.44, 0.0),
    Company("PRLX", "Parallax Data Systems", IT, "Systems Software", SOFTWARE, 33, 0.41, 0.0),
    Company("CDLN", "Cinderlane Software", IT, "Application Software", SOFTWARE, 15, 0.35, 0.6),
    # AI productivity
    Company("MMRA", "Memora Labs", IT, "Application Software", AI_PRODUCTIVITY, 24, 0.64, 0.0),
    Company("SCBW", "Scribewell", IT, "Application Software", AI_PRODUCTIVITY, 11, 0.55, 0.0),
    Company("THKL", "Thinkloom", IT, "Application Software", AI_PRODUCTIVITY, 7.5, 0.60, 0.0),
    Company("AGTX", "Agentix Workflows", IT, "Application Software", AI_PRODUCTIVITY, 18, 0.57, 0.0),
    # ordinary companies
    Company("WRNC", "Wrenfield Care", HC, "Health Care Facilities", "", 21, 0.26, 1.2),
    Company("THSP", "Thistle Pharma", HC, "Pharmaceuticals", "", 118, 0.21, 2.9),
    Company("MRWF", "Marrowfield Therapeutics", HC, "Biotechnology", "", 8.4, 0.55, 0.0),
    Company("ALBM", "Alderbrook Medical", HC, "Health Care Equipment", "", 64, 0.24, 1.3),
    Company("PNCD", "Pinecroft Diagnostics", HC, "Life Sciences Tools & Services", "", 29, 0.28, 0.4),
    Company("SRLB", "Sorrel Biosciences", HC, "Biotechnology", "", 4.2, 0.62, 0.0),
    Company("BKMF", "Brookmere Financial", FIN, "Diversified Banks", "", 190, 0.25, 3.0),
    Company("ACBK", "Ashcombe Bancorp", FIN, "Regional Banks", "", 18, 0.30, 3.4),
    Company("LKSP", "Larkspur Insurance Group", FIN, "Property & Casualty Insurance", "", 36, 0.22, 1.9),
    Company("GRHV", "Greyhaven Capital", FIN, "Asset Management & Custody Banks", "", 44, 0.29, 2.6),
    Company("TLPY", "Tallis Payments", FIN, "Transaction & Payment Processing Services", "", 83, 0.31, 0.5),
    Company("SLTM", "Saltmarsh Energy", ENERGY, "Oil & Gas Exploration & Production", "", 47, 0.34, 3.7),
    Company("CRHM", "Cresthaven Midstream", ENERGY, "Oil & Gas Storage & Transportation", "", 33, 0.24, 6.2),
    Company("DRYO", "Drayton Oilfield Services", ENERGY, "Oil & Gas Equipment & Services", "", 12, 0.42, 1.5),
    Company("KLVR", "Kelvane Refining", ENERGY, "Oil & Gas Refining & Marketing", "", 27, 0.36, 2.8),
    Company("SKHA", "Skyhollow Aerospace", IND, "Aerospace & Defense", "", 140, 0.30, 0.8),
    Company("RDGF", "Ridgeway Freight", IND, "Cargo Ground Transportation", "", 22, 0.29, 1.1),
    Company("ANVW", "Anvilworks Machinery", IND, "Industrial Machinery & Supplies & Components", "", 38, 0.28, 1.6),
    Company("KLBM", "Kiln & Beam Building Systems", IND, "Building Products", "", 16, 0.31, 1.4),
    Company("BRFE", "Brassfield Electric", IND, "Electrical Components & Equipment", "", 54, 0.33, 0.9),
    Company("QRSC", "Quarrystone Construction", IND, "Construction & Engineering", "", 9.1, 0.35, 0.5),
    Company("HRFH", "Harrow & Finch Home", DISC, "Home Improvement Retail", "", 58, 0.26, 2.1),
    Company("WKLN", "Wickerlane Apparel", DISC, "Apparel, Accessories & Luxury Goods", "", 13, 0.37, 1.7),
    Company("FXGM", "Foxglove Motors", DISC, "Automobile Manufacturers", "", 31, 0.58, 0.0),
    Company("BLHV", "Bellhaven Resorts", DISC, "Hotels, Resorts & Cruise Lines", "", 19, 0.40, 0.0),
    Company("TMBW", "Tumblewood Restaurants", DISC, "Restaurants", "", 6.3, 0.33, 2.4),
    Company("CLBV", "Clearbrook Beverages", STAPLES, "Soft Drinks & Non-alcoholic Beverages", "", 67, 0.18, 2.8),
    Company("MDLK", "Meadowlark Foods", STAPLES, "Packaged Foods & Meats", "", 42, 0.19, 3.1),
    Company("HWGR", "Hearthway Grocers", STAPLES, "Food Retail", "", 24, 0.21, 1.9),
    Company("PLMW", "Plumwood Household", STAPLES, "Household Products", "", 35, 0.18, 2.7),
    Company("CRNM", "Cairnmoor Mining", MAT, "Copper", "", 15, 0.44, 1.2),
    Company("FRCS", "Ferrocrest Steel", MAT, "Steel", "", 11, 0.38, 1.9),
    Company("HLVC", "Halvorsen Chemicals", MAT, "Specialty Chemicals", "", 26, 0.27, 2.2),
    Company("LNDQ", "Lindqvist Packaging", MAT, "Paper & Plastic Packaging Products & Materials", "", 14, 0.24, 3.0),
    Company("ELMR", "Elmstead Residential", RE, "Multi-Family Residential REITs", "", 23, 0.23, 3.9),
    Company("GTWL", "Gatewood Logistics Properties", RE, "Industrial REITs", "", 31, 0.25, 3.4),
    Company("FNBW", "Fernbrook Water", UTIL, "Water Utilities", "", 17, 0.18, 2.3),
    Company("SGPT", "Signalpost Telecom", COMM, "Integrated Telecommunication Services", "", 96, 0.19, 5.6),
    Company("RLHS", "Reelhouse Media", COMM, "Movies & Entertainment", "", 29, 0.35, 0.0),
)
# fmt: on

# Planted quirks: each is described in the manifest notes when its ticker is in the universe.
SPLIT_TICKER = "SKHA"  # unadjusted 4-for-1 split
SPLIT_RATIO = 4
SPLIT_TRADING_DAYS_BEFORE_AS_OF = 40
LISTING_TICKER = "MMRA"  # first price about 14 months before as-of
LISTING_MONTHS_BEFORE_AS_OF = 14
GAP_TICKER = "WRNC"  # a few missing trading days
GAP_TRADING_DAYS_BEFORE_AS_OF = (57, 130, 131, 402)
LOSS_MAKERS = frozenset({"MRWF", "SRLB", "FXGM", "THKL", "SKLF"})
NO_VALUE_INPUTS = ("MMRA", "CRNM", "PRVC")  # pe, eps, price_to_book, price_to_sales, ebitda all blank
NO_QUALITY_INPUTS = ("SRLB", "TMBW")  # roe, profit_margin, debt_to_equity, revenue_growth, ebitda blank
COMPLETE_FUNDAMENTALS = ("HLXM",)  # the ARCHITECTURE.md example is spared the random blanks
NO_RECENT_NEWS = (
    "CRNM", "TMBW", "FNBW", "PLMW", "ELMR", "GTWL", "QRSC", "KLBM",
    "CLBV", "LNDQ", "KLVR", "ACBK", "PNCD", "HRFH", "SGPT",
)  # fmt: skip


class Theme(NamedTuple):
    """How a cohort leaf moves: its own drift and factor volatility (annualised)."""

    drift: float
    factor_vol: float
    outperformance_weight: float  # share of the calibrated AI-infrastructure boost this leaf receives


THEMES: dict[str, Theme] = {
    SEMIS: Theme(0.20, 0.16, 1.0),
    DATA_CENTERS: Theme(0.12, 0.12, 0.7),
    CLOUD: Theme(0.15, 0.16, 0.8),
    NETWORKING: Theme(0.16, 0.14, 0.9),
    POWER: Theme(0.05, 0.08, 0.35),
    HYPERSCALERS: Theme(0.10, 0.12, 0.0),
    SOFTWARE: Theme(0.02, 0.12, 0.0),
    AI_PRODUCTIVITY: Theme(0.04, 0.18, 0.0),
}


class Profile(NamedTuple):
    """Ranges fundamentals are drawn from (uniform): ratios, and percentages as percent numbers."""

    vol: tuple[float, float]
    price_to_sales: tuple[float, float]
    profit_margin: tuple[float, float]
    price_to_book: tuple[float, float]
    debt_to_equity: tuple[float, float]
    revenue_growth: tuple[float, float]
    dividend_payers: float  # share of generated companies that pay a dividend
    dividend_yield: tuple[float, float]
    drift: float  # sector factor drift, annualised


# fmt: off
SECTOR_PROFILES: dict[str, Profile] = {
    IT:      Profile((0.28, 0.55), (3, 12), (8, 30), (3, 14), (0.1, 0.8), (-2, 22), 0.45, (0.3, 1.8), 0.03),
    COMM:    Profile((0.22, 0.42), (1.2, 6), (5, 22), (1.5, 6), (0.3, 1.6), (-4, 12), 0.50, (0.5, 5.5), 0.00),
    RE:      Profile((0.20, 0.32), (5, 14), (10, 35), (1.2, 3.5), (0.6, 1.6), (-3, 9), 0.95, (2.5, 5.5), -0.03),
    UTIL:    Profile((0.17, 0.26), (1.8, 3.6), (8, 16), (1.3, 2.6), (1.0, 1.9), (-2, 7), 1.00, (2.4, 4.8), 0.00),
    HC:      Profile((0.20, 0.50), (1.5, 8), (4, 24), (2, 7), (0.2, 1.2), (-5, 14), 0.50, (0.5, 3.2), -0.03),
    FIN:     Profile((0.20, 0.34), (1.5, 5), (12, 32), (0.8, 2.6), (0.5, 2.5), (-4, 10), 0.85, (1.2, 4.2), 0.02),
    ENERGY:  Profile((0.26, 0.45), (0.6, 2.5), (4, 18), (1.1, 2.8), (0.3, 1.2), (-12, 8), 0.85, (1.5, 7.0), -0.04),
    IND:     Profile((0.20, 0.38), (0.9, 3.5), (4, 14), (2, 6), (0.4, 1.5), (-4, 10), 0.80, (0.6, 2.8), 0.02),
    DISC:    Profile((0.24, 0.50), (0.6, 3.5), (2, 12), (2, 8), (0.3, 1.8), (-6, 14), 0.55, (0.8, 3.5), -0.01),
    STAPLES: Profile((0.16, 0.26), (0.6, 3.5), (3, 14), (2.5, 7), (0.4, 1.5), (-3, 6), 0.90, (1.8, 3.8), -0.02),
    MAT:     Profile((0.24, 0.45), (0.8, 3), (4, 15), (1.2, 3.5), (0.3, 1.1), (-10, 8), 0.80, (1.0, 4.0), -0.03),
}

# cohort leaves override the sector's fundamentals so AI names look like AI names
GROUP_PROFILES: dict[str, dict[str, tuple[float, float]]] = {
    SEMIS:           {"price_to_sales": (8, 22), "profit_margin": (18, 45), "price_to_book": (6, 20),
                      "revenue_growth": (15, 70), "debt_to_equity": (0.1, 0.5)},
    DATA_CENTERS:    {"price_to_sales": (8, 16), "profit_margin": (8, 20), "price_to_book": (2, 5),
                      "revenue_growth": (10, 30), "debt_to_equity": (0.8, 1.6)},
    CLOUD:           {"price_to_sales": (5, 14), "profit_margin": (3, 18), "price_to_book": (4, 12),
                      "revenue_growth": (20, 55), "debt_to_equity": (0.5, 2.0)},
    NETWORKING:      {"price_to_sales": (4, 10), "profit_margin": (10, 24), "price_to_book": (4, 10),
                      "revenue_growth": (12, 40), "debt_to_equity": (0.2, 0.8)},
    POWER:           {"price_to_sales": (2.5, 5), "profit_margin": (10, 20), "price_to_book": (1.8, 3.5),
                      "revenue_growth": (4, 14), "debt_to_equity": (1.0, 1.8)},
    HYPERSCALERS:    {"price_to_sales": (5, 11), "profit_margin": (18, 35), "price_to_book": (5, 12),
                      "revenue_growth": (8, 22), "debt_to_equity": (0.1, 0.5)},
    SOFTWARE:        {"price_to_sales": (6, 14), "profit_margin": (5, 25), "price_to_book": (5, 15),
                      "revenue_growth": (8, 25), "debt_to_equity": (0.1, 0.7)},
    AI_PRODUCTIVITY: {"price_to_sales": (8, 20), "profit_margin": (6, 18), "price_to_book": (4, 14),
                      "revenue_growth": (25, 80), "debt_to_equity": (0.0, 0.4)},
}

# Generated companies (beyond the hand-written ones): sector share, then name suffix -> sub-industry.
GENERATED_SECTOR_WEIGHTS: dict[str, float] = {
    IT: 0.14, COMM: 0.05, RE: 0.07, UTIL: 0.06, HC: 0.13, FIN: 0.14,
    ENERGY: 0.06, IND: 0.14, DISC: 0.11, STAPLES: 0.06, MAT: 0.04,
}
NAME_SUFFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    IT: (("Systems", "Systems Software"), ("Software", "Application Software"),
         ("Semiconductor", "Semiconductors"), ("Networks", "Communications Equipment"),
         ("Data", "Internet Services & Infrastructure"), ("Devices", "Technology Hardware, Storage & Peripherals")),
    COMM: (("Media", "Movies & Entertainment"), ("Telecom", "Integrated Telecommunication Services"),
           ("Interactive", "Interactive Media & Services"), ("Broadcasting", "Broadcasting"),
           ("Publishing", "Publishing")),
    RE: (("Realty", "Retail REITs"), ("Properties", "Office REITs"), ("Residential", "Multi-Family Residential REITs"),
         ("Logistics Trust", "Industrial REITs"), ("Storage Trust", "Self-Storage REITs")),
    UTIL: (("Power", "Electric Utilities"), ("Electric", "Electric Utilities"), ("Water", "Water Utilities"),
           ("Gas & Electric", "Multi-Utilities"), ("Renewables", "Renewable Electricity")),
    HC: (("Therapeutics", "Biotechnology"), ("Medical", "Health Care Equipment"),
         ("Biosciences", "Biotechnology"), ("Health", "Managed Health Care"),
         ("Diagnostics", "Life Sciences Tools & Services"), ("Pharma", "Pharmaceuticals")),
    FIN: (("Bancorp", "Regional Banks"), ("Financial", "Consumer Finance"), ("Capital", "Asset Management & Custody Banks"),
          ("Insurance", "Property & Casualty Insurance"), ("Payments", "Transaction & Payment Processing Services"),
          ("Life", "Life & Health Insurance")),
    ENERGY: (("Energy", "Integrated Oil & Gas"), ("Petroleum", "Oil & Gas Exploration & Production"),
             ("Midstream", "Oil & Gas Storage & Transportation"), ("Drilling", "Oil & Gas Drilling"),
             ("Refining", "Oil & Gas Refining & Marketing")),
    IND: (("Industries", "Industrial Conglomerates"), ("Aerospace", "Aerospace & Defense"),
          ("Freight", "Cargo Ground Transportation"), ("Machinery", "Industrial Machinery & Supplies & Components"),
          ("Engineering", "Construction & Engineering"), ("Electric Works", "Electrical Components & Equipment")),
    DISC: (("Motors", "Automobile Manufacturers"), ("Apparel", "Apparel, Accessories & Luxury Goods"),
           ("Retail", "Broadline Retail"), ("Resorts", "Hotels, Resorts & Cruise Lines"),
           ("Home", "Home Improvement Retail"), ("Restaurants", "Restaurants")),
    STAPLES: (("Foods", "Packaged Foods & Meats"), ("Beverages", "Soft Drinks & Non-alcoholic Beverages"),
              ("Grocers", "Food Retail"), ("Household", "Household Products"), ("Farms", "Agricultural Products & Services")),
    MAT: (("Mining", "Diversified Metals & Mining"), ("Chemicals", "Specialty Chemicals"), ("Steel", "Steel"),
          ("Packaging", "Paper & Plastic Packaging Products & Materials"), ("Materials", "Construction Materials")),
}
# fmt: on

NAME_STARTS = (
    "Al", "Ash", "Bel", "Bram", "Cal", "Cor", "Cres", "Dal", "Dun", "El", "Fen", "Gal", "Hal", "Ith", "Kel",
    "Lor", "Mar", "Nor", "Or", "Pel", "Quen", "Ros", "Sil", "Tal", "Ul", "Val", "Wel", "Xan", "Yor", "Zen",
)  # fmt: skip
NAME_ENDS = (
    "vane", "mere", "wick", "dell", "crest", "gate", "haven", "ridge", "stead", "holt",
    "moor", "vale", "quist", "ara", "ion", "ex", "ium", "ora", "yx", "ant",
)  # fmt: skip
# Starts used only once a sector has used every name the ones above form (past about 20,000
# tickers), so smaller universes keep exactly the names they always had.
MORE_NAME_STARTS = (
    "Am", "Bran", "Brel", "Car", "Dor", "Ev", "Fal", "Gor", "Hen", "Ist", "Jor", "Kal", "Lan", "Mel", "Nev",
    "Ost", "Pran", "Quil", "Ren", "Sar", "Tor", "Umb", "Ver", "Wyn", "Yel", "Zor", "Aster", "Brin", "Cael",
    "Dre", "Esk", "Fror", "Gwen", "Hest", "Irv", "Jast", "Kor", "Lind", "Mor", "Nal",
)  # fmt: skip

# ------------------------------------------------------------------------------------------------ news

PUBLISHERS = (
    "Wirepoint",
    "Ledger Daily",
    "Tickerline",
    "Northgate Wire",
    "Bellwether Markets",
    "The Closing Bell",
)

# What a company sells, as it reads in "{product} revenue" or "{product} demand". Looked up by cohort
# leaf, then sub-industry, then sector.
PRODUCT_WORDS: dict[str, str] = {
    SEMIS: "chip",
    DATA_CENTERS: "data-center leasing",
    CLOUD: "cloud computing",
    NETWORKING: "networking equipment",
    POWER: "electricity",
    HYPERSCALERS: "cloud and advertising",
    SOFTWARE: "software subscription",
    AI_PRODUCTIVITY: "AI assistant",
    "Water Utilities": "water",
    "Biotechnology": "drug",
    "Pharmaceuticals": "drug",
    "Health Care Equipment": "medical device",
    "Restaurants": "restaurant",
    "Automobile Manufacturers": "vehicle",
    "Hotels, Resorts & Cruise Lines": "travel",
    "Property & Casualty Insurance": "insurance",
    "Life & Health Insurance": "insurance",
    "Transaction & Payment Processing Services": "payments",
    "Movies & Entertainment": "streaming",
    "Copper": "copper",
    "Steel": "steel",
    "Oil & Gas Storage & Transportation": "pipeline",
    "Aerospace & Defense": "aircraft",
    IT: "technology",
    COMM: "subscription",
    RE: "leasing",
    UTIL: "electricity",
    HC: "health care",
    FIN: "lending",
    ENERGY: "fuel",
    IND: "equipment",
    DISC: "retail",
    STAPLES: "packaged-goods",
    MAT: "materials",
}


class Headline(NamedTuple):
    title: str
    summary: str
    sectors: tuple[str, ...] = ()  # empty: fits any company


POSITIVE_HEADLINES = (
    Headline(
        "{name} beats quarterly estimates as {product} revenue climbs",
        "{name} reported quarterly earnings ahead of analyst forecasts, helped by stronger {product} revenue.",
    ),
    Headline(
        "{name} raises full-year guidance on firm {product} demand",
        "The company lifted its annual revenue and profit outlook, citing steady demand from customers.",
    ),
    Headline(
        "{name} posts record quarterly revenue",
        "Revenue reached a record as {product} demand held up, {name} said in its quarterly report.",
    ),
    Headline(
        "Broker upgrade lifts {name} shares",
        "An analyst upgraded {name} to buy, pointing to improving margins and a healthy order book.",
    ),
    Headline(
        "{name} shares surge after upbeat {product} outlook",
        "The stock jumped in heavy trading after the company said business was running well ahead of plan.",
    ),
    Headline(
        "{name} wins multiyear contract to expand {product} business",
        "{name} said it won a multiyear contract that will add to revenue from next year.",
    ),
    Headline(
        "{name} expands capacity to meet rising {product} demand",
        "The company plans to add capacity over the next two years as demand outpaces supply.",
        (IT, IND, MAT, ENERGY, UTIL, STAPLES, HC, RE),
    ),
    Headline(
        "{name} raises dividend and extends share buyback",
        "The board approved a higher quarterly dividend and added to its repurchase programme.",
    ),
    Headline(
        "{name} gains market share as {product} demand strengthens",
        "Industry data show {name} gaining share in a growing market, analysts said.",
    ),
)
NEGATIVE_HEADLINES = (
    Headline(
        "{name} misses quarterly estimates as {product} revenue slows",
        "Quarterly earnings fell short of analyst forecasts as {product} revenue weakened.",
    ),
    Headline(
        "{name} cuts full-year outlook, citing softer demand",
        "The company lowered its revenue and profit forecast for the year after a slow quarter.",
    ),
    Headline(
        "{name} downgraded to sell on margin concerns",
        "An analyst downgraded {name}, warning that rising costs will squeeze margins next year.",
    ),
    Headline(
        "Regulators open probe into {name} disclosures",
        "{name} said it is cooperating with a regulatory probe into how it reported some sales.",
    ),
    Headline(
        "{name} announces product recall",
        "{name} is recalling some products after a quality review and expects a charge this quarter.",
        (HC, DISC, STAPLES, IND),
    ),
    Headline(
        "{name} shares plunge after weak guidance",
        "The stock fell sharply after the company forecast lower sales for the current quarter.",
    ),
    Headline(
        "{name} warns of higher costs and slower growth",
        "Management warned that higher input costs and slower {product} demand would weigh on results.",
    ),
    Headline(
        "{name} faces shareholder lawsuit over disclosures",
        "A shareholder lawsuit accuses {name} of overstating demand for its {product} business.",
    ),
    Headline(
        "{name} cuts jobs as {product} demand weakens",
        "The company said it would reduce its workforce to protect margins as demand slows.",
    ),
)
NEUTRAL_HEADLINES = (
    Headline(
        "{name} to present at industry conference",
        "Executives of {name} are scheduled to speak at an investor conference next week.",
    ),
    Headline(
        "{name} names new chief financial officer",
        "{name} appointed a new finance chief, who joins from a larger peer.",
    ),
    Headline(
        "{name} sets date for quarterly results",
        "{name} will report quarterly results after the market closes and hold a call with analysts.",
    ),
    Headline(
        "{name} completes debt offering",
        "{name} said it completed a previously announced bond sale and will use the money to refinance debt.",
    ),
)
SPLIT_HEADLINE = Headline(
    "{name} shares begin trading on a split-adjusted basis",
    "{name} stock began trading after its four-for-one split; each holder now has four shares for every one.",
)

# --------------------------------------------------------------------------------------------- sources


class SourceText(NamedTuple):
    """A press release or note; `days_before_as_of` dates it, `{split_date}`-style fields are filled in.

    `publisher` is also the organisation that speaks in it; `kind` is press_release or research_note.
    """

    slug: str
    title: str
    tickers: tuple[str, ...]
    publisher: str
    days_before_as_of: int
    body: str
    kind: str = "press_release"


SOURCES: tuple[SourceText, ...] = (
    SourceText(
        "hlxm-q3-results",
        "Helix Microdevices reports record third-quarter revenue on data-center demand",
        ("HLXM",),
        "Helix Microdevices",
        23,
        """\
REDWOOD POINT, Calif. — Helix Microdevices today reported third-quarter revenue of $14.2 billion, up 61% \
from a year earlier, as cloud providers and data-center operators kept adding capacity to train and run \
large AI models. Data-center revenue rose to a record $11.8 billion and made up more than four-fifths of sales.

Gross margin widened to 71.4% from 66.9% a year ago. Net income was $5.1 billion, or $2.07 per diluted \
share, compared with $2.9 billion, or $1.18 per share, in the same quarter last year.

“We shipped more accelerators this quarter than in our first two years in the data center combined,” said \
Mara Quell, chief executive of Helix Microdevices. “Customers are no longer buying chips a rack at a time. \
They are planning whole campuses, and they want a supplier that can keep pace.”

Quell said orders for the company's next-generation Corvid accelerator, which begins volume shipments early \
next year, already exceed its planned output for the first two quarters of production.

For the fourth quarter, Helix expects revenue of about $15.5 billion, plus or minus 2%. The company said \
supply of advanced packaging remains tight and will limit shipments into the first half of next year.

“Our outlook assumes packaging capacity improves step by step, not all at once,” said Devin Oyelaran, chief \
financial officer of Helix Microdevices. “We would rather guide to what we can build than to what customers \
would like to order.”

Helix returned $1.9 billion to shareholders in the quarter through share repurchases and its quarterly \
dividend of 4 cents a share. The board authorised an additional $10 billion for buybacks.

This release contains forward-looking statements that are subject to risks and uncertainties, including \
supply constraints, customer concentration and export restrictions.
""",
    ),
    SourceText(
        "gpu-capacity-asset-class",
        "Industry note: GPU capacity is emerging as an alternative asset class",
        ("HLXM", "VLDC", "HBGC", "NMBX", "SKLF", "BSPL", "PLMG"),
        "Calder & Voss Research",
        9,
        """\
Investors who once bought office towers and warehouses are increasingly buying something else: time on \
graphics processors. Over the past year, clusters of AI accelerators have started to be financed, leased and \
traded much like commercial real estate, with long-term tenants, secured debt and valuations built on \
contracted rent.

The structure is familiar to property investors. A specialist owner buys thousands of accelerators, most of \
them from Helix Microdevices (HLXM), installs them in leased halls at operators such as Vaultline Data Centers \
(VLDC) and Harborgate Compute Properties (HBGC), and signs multiyear capacity contracts with cloud providers \
and AI developers. The contracts then support loans, much as a signed lease supports a mortgage.

“GPU capacity now behaves like a building with a very short useful life,” said Ines Marlow, head of digital \
infrastructure research at Calder & Voss. “The rent is attractive, but investors have to be paid back before \
the next generation of chips makes the equipment obsolete.”

We estimate that lenders committed more than $60 billion to GPU-backed financing over the past twelve months, \
roughly double the previous year. Skyloft Compute (SKLF) and Nimbrix Cloud (NMBX) have both raised debt \
secured on accelerator fleets and customer contracts, and at least three private funds now market GPU leasing \
to pension and insurance investors.

Power is the constraint that ties the asset class to the ground. A large training cluster can draw as much \
electricity as a small city, so contracted grid connections have become as valuable as the chips themselves. \
Utilities including Bluestem Power & Light (BSPL) and Pellmont Generation (PLMG) have signed long-term supply \
agreements with data-center developers, and several have raised their capital spending plans to match.

The risks differ from those of property. A building can be re-let for decades; an accelerator's economic life \
is closer to four or five years, and rental rates for older chips have fallen sharply whenever a faster \
generation arrives. Residual values are therefore the central uncertainty, and few lenders have yet seen a \
full cycle.

“The contracts look like real estate, but the collateral depreciates like a laptop,” Marlow said. \
“Underwriting has to assume the rent on today's chips will be far lower in three years.”

We expect the market to keep growing as long as demand for AI computing outruns supply. A slowdown in model \
training, or a sudden jump in chip efficiency, would test the first generation of these deals.
""",
        "research_note",
    ),
    SourceText(
        "vldc-campus-expansion",
        "Vaultline Data Centers to build 600-megawatt campus backed by long-term leases",
        ("VLDC",),
        "Vaultline Data Centers",
        16,
        """\
Vaultline Data Centers announced plans to build a 600-megawatt data-center campus on a 380-acre site in the \
Ohio River valley, its largest project to date. The first two buildings are fully pre-leased to a hyperscale \
cloud customer under fifteen-year agreements.

The company expects to invest about $9 billion over five years, funded with cash from operations, a new \
construction loan and its existing credit line. Construction of the first phase begins in the first quarter, \
with initial capacity due to come online within two years.

“Demand for AI capacity has changed the shape of our business: customers now reserve power years before a \
building exists,” said Oren Castellan, chief executive of Vaultline Data Centers. “Every megawatt in the first \
phase is spoken for before we break ground.”

Vaultline also raised its full-year forecast for adjusted funds from operations to a range of $7.45 to $7.55 \
a share, from $7.20 to $7.35, citing higher renewal rates and faster lease-up at its existing campuses. \
Occupancy across its portfolio stood at 96.1% at the end of the third quarter.

“Our leasing backlog has never been larger, and it is increasingly weighted toward long contracts with \
investment-grade tenants,” said Hanna Broek, chief financial officer of Vaultline Data Centers. “That \
visibility lets us fund growth while keeping leverage within our target range.”

The company said it had secured a 450-megawatt grid connection for the site and was in talks with regional \
utilities about additional supply for later phases.
""",
    ),
    SourceText(
        "bspl-supply-agreement",
        "Bluestem Power & Light signs 20-year power agreement with Harborgate Compute Properties",
        ("BSPL", "HBGC"),
        "Bluestem Power & Light",
        30,
        """\
Bluestem Power & Light has agreed to supply up to 1.2 gigawatts of electricity to data-center campuses \
operated by Harborgate Compute Properties under a 20-year contract, the largest supply agreement in the \
utility's history.

Under the agreement, Bluestem will build a new high-voltage substation and about 90 miles of transmission \
lines to serve three Harborgate sites. Harborgate will contribute to the cost of the grid upgrades, which \
Bluestem estimates at $2.4 billion, so that the investment does not fall on households and small businesses.

“This agreement lets us grow with the data-center industry without asking our residential customers to pay \
for it,” said Lucinda Farrow, chief executive of Bluestem Power & Light. “Large customers that need firm power \
around the clock should carry the cost of the infrastructure built for them, and this contract makes sure \
they do.”

The company raised its five-year capital plan by $6 billion to $41 billion and now expects earnings per share \
to grow 7% to 9% a year through the end of the decade, up from a previous range of 6% to 8%.

“Securing power has become the critical path for every campus we build,” said Tomas Adeyemi-Grant, chief \
executive of Harborgate Compute Properties. “A long-term partner with a plan to expand the grid is worth as \
much to us as the land itself.”

The agreement requires approval from state regulators, which Bluestem expects to receive in the first half \
of next year.
""",
    ),
    SourceText(
        "nmbx-q3-results",
        "Nimbrix Cloud revenue jumps 48% as AI workloads fill new regions",
        ("NMBX",),
        "Nimbrix Cloud",
        21,
        """\
Nimbrix Cloud reported third-quarter revenue of $3.6 billion, up 48% from a year earlier, driven by customers \
renting accelerator clusters to train and serve AI models. Revenue from AI infrastructure services more than \
doubled and now accounts for 39% of the total.

Operating margin narrowed to 11.2% from 13.5% as the company brought three new regions into service and \
recorded higher depreciation on recently installed equipment. Net income was $302 million, or 71 cents a share.

“Every region we opened this year filled faster than we planned, and our backlog of signed contracts grew to \
$27 billion,” said Kaveh Lindgren, chief executive of Nimbrix Cloud. “We are spending ahead of revenue because \
the customers are already waiting.”

Capital expenditure in the quarter rose to $2.8 billion, and the company expects full-year spending of about \
$10 billion, at the top of its earlier range. Nimbrix said it had arranged a $4 billion credit facility secured \
on part of its accelerator fleet.

“We are financing long-lived customer contracts with debt that matches their duration, not funding \
short-lived hardware with hope,” said Amara Whitcombe, chief financial officer of Nimbrix Cloud. “Free cash \
flow will be negative this year and turn positive as the new regions mature.”

For the fourth quarter, Nimbrix forecast revenue of between $3.85 billion and $3.95 billion.
""",
    ),
    SourceText(
        "fbrn-raises-outlook",
        "Fibrenne Optical raises full-year outlook as demand for high-speed transceivers accelerates",
        ("FBRN",),
        "Fibrenne Optical",
        12,
        """\
Fibrenne Optical raised its full-year revenue forecast to between $5.3 billion and $5.4 billion, from \
$4.9 billion to $5.1 billion, citing strong orders for the 1.6-terabit optical transceivers that connect AI \
accelerators inside large data centers.

The company said shipments of its highest-speed modules tripled from the previous quarter and that it had \
added a second production line at its plant in Penang to meet demand. Gross margin is now expected at 42% to \
43% for the year, up from about 41%.

“AI clusters are only as fast as the links between their chips, and our customers are moving to 1.6-terabit \
optics faster than anyone forecast a year ago,” said Sunniva Hale, chief executive of Fibrenne Optical. “We \
have capacity coming online every quarter through next year, and it is already allocated.”

Fibrenne cautioned that supply of certain laser components remains limited and that results could vary from \
quarter to quarter depending on when large customers take delivery.

“We are being deliberate about pricing: long-term agreements matter more to us than the highest price on any \
single order,” said Ravi Castellanos, chief financial officer of Fibrenne Optical.
""",
    ),
    SourceText(
        "thsp-voluntary-recall",
        "Thistle Pharma recalls three lots of blood-pressure tablets after labelling error",
        ("THSP",),
        "Thistle Pharma",
        6,
        """\
Thistle Pharma is voluntarily recalling three lots of its Veranol 20-milligram blood-pressure tablets after \
an internal review found that some bottles were labelled with the wrong strength. The affected lots were \
shipped to pharmacies and wholesalers over the summer.

The company said it had received no reports of patient harm linked to the error. Patients who have tablets \
from the affected lots are advised to keep taking their medicine and to ask their pharmacist for a \
replacement.

“Patient safety comes first, and we are acting quickly and openly to put this right,” said Gregor Amsel, chief \
executive of Thistle Pharma. “We have traced the cause to one packaging line and have stopped it until every \
check has been repeated.”

Thistle expects the recall to reduce fourth-quarter revenue by about $40 million and said it was not changing \
its full-year earnings forecast. The company has notified the relevant regulators and will review packaging \
procedures at its other sites.

Veranol generated sales of $1.1 billion last year and is among the company's five largest products.
""",
    ),
    SourceText(
        "skha-stock-split",
        "Skyhollow Aerospace board approves four-for-one stock split",
        ("SKHA",),
        "Skyhollow Aerospace",
        84,
        """\
Skyhollow Aerospace said its board of directors has approved a four-for-one split of the company's common \
stock. Shareholders of record at the close of business on {record_date} will receive three additional shares \
for every share they hold, and the stock will begin trading on a split-adjusted basis on {split_date}.

The split will not change the company's market value or any shareholder's proportional ownership. The number \
of shares outstanding will rise to about four times the current count.

“Our shares have risen on the strength of the engine and defense programs we have built over the past decade, \
and a lower share price will make them easier to buy for employees and individual investors,” said Renata \
Okafor, chief executive of Skyhollow Aerospace. “A split does not change the value of the business, but it \
does widen who can own a part of it.”

Skyhollow will adjust its quarterly dividend so that the payout on each pre-split share is unchanged. The \
company also reaffirmed its full-year guidance and said its order backlog stood at a record $61 billion at the \
end of the second quarter.
""",
    ),
)
