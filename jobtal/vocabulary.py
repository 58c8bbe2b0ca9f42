"""The contract's fixed vocabularies (SPEC sections 3 and 4), in the order they are published."""

BENEFITS: dict[str, tuple[str, str]] = {
    # code: (Danish label, English label)
    "dagpenge": ("A-dagpenge", "Unemployment insurance benefit"),
    "kontanthjaelp": ("Kontanthjælp", "Social assistance"),
    "uddannelseshjaelp": ("Uddannelseshjælp", "Education assistance"),
    "selvforsoergelse": (
        "Selvforsørgelses- og hjemrejseydelse samt overgangsydelse",
        "Self-support, return and transitional benefit",
    ),
    "sygedagpenge": ("Sygedagpenge", "Sickness benefit"),
    "jobafklaring": ("Jobafklaringsforløb", "Job clarification programme"),
    "revalidering": ("Revalidering", "Vocational rehabilitation"),
    "ressourceforloeb": ("Ressourceforløb", "Resource programme"),
    "ledighedsydelse": ("Ledighedsydelse", "Flexjob unemployment benefit"),
    "fleksjob": ("Fleksjob", "Flexjob"),
    "foertidspension": ("Førtidspension", "Disability pension"),
    "alle": ("Alle ydelser", "All benefits"),
}
BENEFIT_CODES = [code for code in BENEFITS if code != "alle"]

SEXES = ["K", "M"]
SEX_LABELS = {"alle": "Alle", "K": "Kvinder", "M": "Mænd"}
AGE_GROUPS = ["16-24", "25-29", "30-39", "40-49", "50-59", "60-66"]
# (lowest, highest) age in whole years of each group
AGE_BOUNDS = {
    "16-24": (16, 24),
    "25-29": (25, 29),
    "30-39": (30, 39),
    "40-49": (40, 49),
    "50-59": (50, 59),
    "60-66": (60, 66),
}
READINESS_BENEFITS = ["kontanthjaelp", "uddannelseshjaelp", "selvforsoergelse"]
ACTIVITIES = ["samtale", "virksomhedspraktik", "loentilskud", "opkvalificering"]

AREA_TYPES = ["land", "region", "kommunegruppe", "kommune"]
MUNICIPALITY_GROUPS = {
    1: "Hovedstadskommuner",
    2: "Storbykommuner",
    3: "Provinsbykommuner",
    4: "Oplandskommuner",
    5: "Landkommuner",
}
COUNTRY_CODE = "DK"
COUNTRY_NAME = "Hele landet"

# Every indicator of SPEC section 5, in the order they are published.
INDICATOR_IDS = [
    "personer",
    "fuldtidspersoner",
    "andel_befolkning",
    "arbejdskraftreserve",
    "sygedagpenge_over_26_uger",
    "unge_paa_ydelse",
    "varighed",
    "afgang",
    "aktiveringsgrad",
    "samtaler",
    "forventet_andel",
    "forskel_forventet",
]

MICRODATA_RESOURCES = ["benefit_spells", "activities"]
REFERENCE_RESOURCES = ["regions", "municipalities", "neighbours", "population"]
ALL_RESOURCES = REFERENCE_RESOURCES + MICRODATA_RESOURCES
# the internal edition's (SPEC sections 3 and 9): optional, read by `jobtal internal` only; the
# public build validates them with the rest and then leaves them out
INTERNAL_RESOURCES = ["caseworkers", "caseload"]
INTERNAL_ACTIVITY_FIELD = "caseworker_id"  # who held the conversation or arranged the offer
