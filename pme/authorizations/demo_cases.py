"""Demo data: one clinical case per recognized indication of the seed catalogue, in French and English.

Each case says who the drug is for (ages, sex), how it is taken and how much, what was tried before and
why it stopped, what the prescriber writes, what the attached report shows (when the note cites one),
what a reviewer would ask and what the prescriber answers, and why a reviewer would refuse. The texts
follow the catalogue's indications (pme/catalogue/data/seed-catalogue.json, from
shared/reference/exception-drugs.csv). `{key}` in a text is replaced by the answer to the criterion
`key`, so that the note, the report and the answers agree.

Used by pme/review/demo.py, which plays the demo's fifteen months through the real services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Text = tuple[str, str]  # (French, English)


@dataclass(frozen=True)
class Prior:
    """A previous treatment: the drug (French, English), why it stopped, for how long."""

    drug: Text
    outcome: str  # ineffective | not_tolerated | contraindicated | other
    duration: Text
    details: Text = ("", "")


@dataclass(frozen=True)
class Case:
    ages: tuple[int, int]
    dosage: Text
    quantity: Text
    sex: str = ""  # "f", "m" or "" (either)
    previous: tuple[Prior, ...] = ()
    note: Text = ("", "")
    report: Text | None = None  # lines of the attached report, separated by "\n"; the note cites it
    question: Text = (
        "Veuillez joindre la dernière note de consultation qui documente l'indication.",
        "Please attach the latest consultation note documenting the indication.",
    )
    answer: Text = (
        "Note de consultation jointe.",
        "Consultation note attached.",
    )
    refusal: Text = (
        "Le dossier transmis ne démontre pas que les conditions de l'indication reconnue sont remplies.",
        "The file sent does not show that the conditions of the recognized indication are met.",
    )
    # Number criteria: key -> ((low, high) when met, (low, high) when not met).
    numbers: dict[str, tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=dict)
    # Choice criteria: key -> (values when met, values when not met).
    choices: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    urgent: Text | None = None  # the reason for urgency, for cases that may be urgent
    months: int = 12  # requested duration when the indication sets none
    quantity_by_month: bool = True


def _p(fr: str, en: str, outcome: str, months: int, details: Text = ("", "")) -> Prior:
    return Prior((fr, en), outcome, (f"{months} mois", f"{months} months"), details)


def _days(fr: str, en: str, outcome: str, days: int) -> Prior:
    return Prior((fr, en), outcome, (f"{days} jours", f"{days} days"))


ASK_LABS = (
    "Veuillez joindre les résultats de laboratoire les plus récents qui appuient la demande.",
    "Please attach the most recent laboratory results supporting the request.",
)

CASES: dict[str, Case] = {
    "fidaxomicin/c-difficile": Case(
        ages=(66, 91),
        dosage=(
            "200 mg par la bouche deux fois par jour pendant 10 jours",
            "200 mg by mouth twice a day for 10 days",
        ),
        quantity=("20 comprimés de 200 mg", "20 tablets of 200 mg"),
        previous=(_days("vancomycine orale", "oral vancomycin", "ineffective", 10),),
        note=(
            "Première récidive d'infection à C. difficile cinq semaines après la guérison clinique d'un "
            "premier épisode traité par vancomycine. Toxine positive.",
            "First recurrence of C. difficile infection five weeks after clinical cure of a first episode "
            "treated with vancomycin. Toxin positive.",
        ),
        report=(
            "Recherche de C. difficile par PCR : positive\nToxines A et B : positives\nLeucocytes : 13,2 G/L",
            "C. difficile PCR: positive\nToxins A and B: positive\nWhite cells: 13.2 G/L",
        ),
        question=(
            "Veuillez préciser la date de la guérison clinique du premier épisode.",
            "Please give the date of clinical cure of the first episode.",
        ),
        answer=(
            "Guérison clinique à la fin du traitement par vancomycine, il y a cinq semaines.",
            "Clinical cure at the end of the vancomycin course, five weeks ago.",
        ),
        urgent=(
            "Diarrhée grave en cours : le traitement doit commencer sans délai.",
            "Severe ongoing diarrhoea: treatment must start without delay.",
        ),
        quantity_by_month=False,
    ),
    "obeticholic-acid/primary-biliary-cholangitis": Case(
        ages=(42, 74),
        sex="f",
        dosage=(
            "5 mg par la bouche une fois par jour, puis 10 mg après 6 mois selon la tolérance",
            "5 mg by mouth once a day, then 10 mg after 6 months if tolerated",
        ),
        quantity=("30 comprimés par mois", "30 tablets a month"),
        previous=(_p("acide ursodésoxycholique", "ursodiol", "ineffective", 14),),
        note=(
            "Cholangite biliaire primitive confirmée (anticorps antimitochondries positifs). Réponse "
            "inadéquate à l'acide ursodésoxycholique à 15 mg/kg par jour depuis 14 mois.",
            "Primary biliary cholangitis confirmed (antimitochondrial antibodies positive). Inadequate "
            "response to ursodiol 15 mg/kg a day for 14 months.",
        ),
        report=(
            "Phosphatase alcaline : {alp-ratio} × la limite supérieure de la normale\nBilirubine totale : "
            "1,3 × la limite supérieure de la normale\nAnticorps antimitochondries : positifs",
            "Alkaline phosphatase: {alp-ratio} × the upper limit of normal\nTotal bilirubin: 1.3 × the "
            "upper limit of normal\nAntimitochondrial antibodies: positive",
        ),
        question=(
            "Veuillez joindre les deux derniers dosages de la phosphatase alcaline, à trois mois d'intervalle.",
            "Please attach the last two alkaline phosphatase results, three months apart.",
        ),
        answer=(
            "Les deux derniers dosages sont joints : la phosphatase alcaline reste au-dessus du seuil.",
            "The last two results are attached: alkaline phosphatase stays above the threshold.",
        ),
        numbers={"alp-ratio": ((1.8, 3.1), (1.2, 1.6))},
    ),
    "dapagliflozin-hf/heart-failure-preserved": Case(
        ages=(64, 89),
        dosage=("10 mg par la bouche une fois par jour", "10 mg by mouth once a day"),
        quantity=("30 comprimés par mois", "30 tablets a month"),
        note=(
            "Insuffisance cardiaque à fraction d'éjection préservée, classe NYHA {nyha}, fraction "
            "d'éjection de {lvef} % à l'échographie ; NT-proBNP élevé.",
            "Heart failure with preserved ejection fraction, NYHA class {nyha}, ejection fraction "
            "{lvef} % on echocardiography; raised NT-proBNP.",
        ),
        report=(
            "Échocardiographie transthoracique\nFraction d'éjection du ventricule gauche : {lvef} %\n"
            "NT-proBNP : 1 240 pg/mL",
            "Transthoracic echocardiography\nLeft ventricular ejection fraction: {lvef} %\n"
            "NT-proBNP: 1,240 pg/mL",
        ),
        numbers={"lvef": ((45, 62), (30, 38))},
        choices={"nyha": (("II", "III"), ("I",))},
    ),
    "copd-combinations/copd-maintenance": Case(
        ages=(56, 86),
        dosage=(
            "Symbicort Turbuhaler 200/6 : 2 inhalations deux fois par jour",
            "Symbicort Turbuhaler 200/6: 2 inhalations twice a day",
        ),
        quantity=("1 inhalateur de 120 doses par mois", "1 inhaler of 120 doses a month"),
        previous=(_p("tiotropium/olodatérol", "tiotropium/olodaterol", "ineffective", 12),),
        note=(
            "MPOC modérée à grave (VEMS à 44 % de la valeur prédite) malgré deux bronchodilatateurs à longue "
            "action ; exacerbations au cours des 12 derniers mois : {exacerbations}.",
            "Moderate to severe COPD (FEV1 44 % of predicted) despite two long-acting bronchodilators; "
            "exacerbations in the last 12 months: {exacerbations}.",
        ),
        question=(
            "Veuillez préciser les dates des exacerbations et si l'une d'elles a mené à une hospitalisation.",
            "Please give the dates of the exacerbations and whether one of them led to a hospital stay.",
        ),
        answer=(
            "Exacerbations en février et en juin ; hospitalisation de quatre jours en juin.",
            "Exacerbations in February and June; four-day hospital stay in June.",
        ),
        numbers={"exacerbations": ((2, 4), (1, 1))},
    ),
    "cabergoline/sn46": Case(
        ages=(58, 80),
        dosage=(
            "1 mg par la bouche une fois par jour, augmenté à 2 mg selon la réponse",
            "1 mg by mouth once a day, increased to 2 mg depending on the response",
        ),
        quantity=("60 comprimés de 0,5 mg par mois", "60 tablets of 0.5 mg a month"),
        previous=(
            _p("pramipexole", "pramipexole", "not_tolerated", 8, ("Somnolence diurne", "Daytime sleepiness")),
            _p("ropinirole", "ropinirole", "not_tolerated", 5, ("Œdème des jambes", "Leg oedema")),
        ),
        note=(
            "Maladie de Parkinson avec fluctuations motrices ; intolérance au pramipexole et au ropinirole. "
            "Échocardiographie de départ normale.",
            "Parkinson's disease with motor fluctuations; pramipexole and ropinirole not tolerated. "
            "Baseline echocardiography normal.",
        ),
    ),
    "edoxaban/atrial-fibrillation": Case(
        ages=(68, 88),
        dosage=("60 mg par la bouche une fois par jour", "60 mg by mouth once a day"),
        quantity=("30 comprimés par mois", "30 tablets a month"),
        previous=(_p("warfarine", "warfarin", "not_tolerated", 9, ("RNI instable", "Unstable INR")),),
        note=(
            "Fibrillation auriculaire non valvulaire, CHA2DS2-VASc à 4. RNI instable sous warfarine malgré "
            "un suivi étroit.",
            "Non-valvular atrial fibrillation, CHA2DS2-VASc 4. Unstable INR on warfarin despite close "
            "monitoring.",
        ),
    ),
    "rivaroxaban/cad-pad": Case(
        ages=(60, 84),
        dosage=(
            "2,5 mg par la bouche deux fois par jour, avec l'AAS 80 mg",
            "2.5 mg by mouth twice a day, with ASA 80 mg",
        ),
        quantity=("60 comprimés de 2,5 mg par mois", "60 tablets of 2.5 mg a month"),
        note=(
            "Coronaropathie (pontage en 2021) et maladie artérielle périphérique des membres inférieurs "
            "(claudication, indice tibio-brachial à 0,7).",
            "Coronary artery disease (bypass in 2021) and peripheral artery disease of the legs "
            "(claudication, ankle-brachial index 0.7).",
        ),
    ),
    "adalimumab/inflammatory-diseases": Case(
        ages=(24, 66),
        dosage=("40 mg par voie sous-cutanée toutes les 2 semaines", "40 mg subcutaneously every 2 weeks"),
        quantity=("2 seringues préremplies de 40 mg par mois", "2 prefilled syringes of 40 mg a month"),
        previous=(
            _p("méthotrexate", "methotrexate", "ineffective", 6, ("25 mg par semaine", "25 mg a week")),
            _p("sulfasalazine", "sulfasalazine", "not_tolerated", 3, ("Nausées", "Nausea")),
        ),
        note=(
            "Polyarthrite rhumatoïde active (DAS28 à 5,4) malgré le méthotrexate à dose optimale pendant "
            "six mois. Rapport du rhumatologue ci-joint.",
            "Active rheumatoid arthritis (DAS28 5.4) despite methotrexate at an optimal dose for six "
            "months. Rheumatologist's report attached.",
        ),
        report=(
            "Consultation en rhumatologie\nArticulations douloureuses : 9 ; tuméfiées : 6\nDAS28-VS : 5,4\n"
            "Facteur rhumatoïde et anti-CCP positifs",
            "Rheumatology consultation\nTender joints: 9; swollen joints: 6\nDAS28-ESR: 5.4\n"
            "Rheumatoid factor and anti-CCP positive",
        ),
        refusal=(
            "L'échec d'au moins deux traitements de fond conventionnels à dose optimale n'est pas documenté.",
            "Failure of at least two conventional disease-modifying drugs at an optimal dose is not documented.",
        ),
    ),
    "omalizumab/chronic-urticaria": Case(
        ages=(22, 65),
        dosage=("300 mg par voie sous-cutanée toutes les 4 semaines", "300 mg subcutaneously every 4 weeks"),
        quantity=("2 seringues de 150 mg par mois", "2 syringes of 150 mg a month"),
        previous=(
            _p(
                "bilastine 80 mg par jour",
                "bilastine 80 mg a day",
                "ineffective",
                3,
                ("Dose quadruplée", "Fourfold dose"),
            ),
        ),
        note=(
            "Urticaire chronique spontanée depuis 14 mois ; UAS7 à {uas7} malgré un antihistaminique "
            "H1 de deuxième génération à quatre fois la dose habituelle.",
            "Chronic spontaneous urticaria for 14 months; UAS7 {uas7} despite a second-generation H1 "
            "antihistamine at four times the usual dose.",
        ),
        question=(
            "Veuillez préciser la dose d'antihistaminique et la durée de l'essai à cette dose.",
            "Please give the antihistamine dose and how long it was tried at that dose.",
        ),
        answer=(
            "Bilastine 80 mg par jour (quatre fois la dose habituelle) pendant trois mois, sans contrôle.",
            "Bilastine 80 mg a day (four times the usual dose) for three months, without control.",
        ),
        numbers={"uas7": ((18, 34), (8, 14))},
        months=6,
    ),
    "omalizumab/allergic-asthma": Case(
        ages=(14, 60),
        dosage=(
            "375 mg par voie sous-cutanée toutes les 2 semaines, selon le poids et l'IgE totale",
            "375 mg subcutaneously every 2 weeks, by weight and total IgE",
        ),
        quantity=("5 seringues de 150 mg par mois", "5 syringes of 150 mg a month"),
        previous=(_p("fluticasone/salmétérol 500/50", "fluticasone/salmeterol 500/50", "ineffective", 12),),
        note=(
            "Asthme allergique grave : tests cutanés positifs aux acariens, IgE totale à 420 UI/mL, trois "
            "exacerbations l'an dernier malgré une forte dose de corticostéroïde inhalé.",
            "Severe allergic asthma: skin tests positive to dust mites, total IgE 420 IU/mL, three "
            "exacerbations last year despite a high dose of inhaled corticosteroid.",
        ),
        report=(
            "Tests cutanés : acariens positifs (papule de 8 mm)\nIgE totale : 420 UI/mL\nVEMS : 61 % de la valeur prédite",
            "Skin tests: dust mites positive (8 mm wheal)\nTotal IgE: 420 IU/mL\nFEV1: 61 % of predicted",
        ),
    ),
    "mepolizumab/eosinophilic-asthma": Case(
        ages=(19, 75),
        dosage=("100 mg par voie sous-cutanée toutes les 4 semaines", "100 mg subcutaneously every 4 weeks"),
        quantity=("1 stylo de 100 mg par mois", "1 pen of 100 mg a month"),
        previous=(_p("budésonide/formotérol 400/12", "budesonide/formoterol 400/12", "ineffective", 12),),
        note=(
            "Asthme éosinophilique grave ; éosinophiles sanguins à {eosinophils}/µL ; corticothérapie orale "
            "nécessaire malgré un traitement inhalé optimal.",
            "Severe eosinophilic asthma; blood eosinophils {eosinophils}/µL; oral corticosteroids needed "
            "despite optimal inhaled treatment.",
        ),
        question=ASK_LABS,
        answer=(
            "Formule sanguine du mois dernier jointe.",
            "Last month's blood count attached.",
        ),
        numbers={"eosinophils": ((300, 900), (60, 140))},
        choices={"ocs-exposure": (("continuous", "occasional"), ("continuous",))},
    ),
    "benralizumab/eosinophilic-asthma": Case(
        ages=(19, 75),
        dosage=(
            "30 mg par voie sous-cutanée toutes les 4 semaines pour 3 doses, puis toutes les 8 semaines",
            "30 mg subcutaneously every 4 weeks for 3 doses, then every 8 weeks",
        ),
        quantity=("1 stylo de 30 mg par mois", "1 pen of 30 mg a month"),
        previous=(_p("mépolizumab", "mepolizumab", "ineffective", 8),),
        note=(
            "Asthme éosinophilique grave, éosinophiles à 520/µL ; réponse insuffisante au mépolizumab "
            "après huit mois.",
            "Severe eosinophilic asthma, eosinophils 520/µL; insufficient response to mepolizumab after "
            "eight months.",
        ),
    ),
    "dupilumab/severe-asthma": Case(
        ages=(12, 70),
        dosage=(
            "600 mg au départ, puis 300 mg par voie sous-cutanée toutes les 2 semaines",
            "600 mg to start, then 300 mg subcutaneously every 2 weeks",
        ),
        quantity=("2 seringues de 300 mg par mois", "2 syringes of 300 mg a month"),
        previous=(
            _p(
                "prednisone",
                "prednisone",
                "other",
                6,
                ("Dépendance aux corticostéroïdes", "Corticosteroid dependence"),
            ),
        ),
        note=(
            "Asthme grave corticodépendant : prednisone 10 mg par jour depuis six mois malgré un traitement "
            "inhalé maximal.",
            "Severe corticosteroid-dependent asthma: prednisone 10 mg a day for six months despite maximal "
            "inhaled treatment.",
        ),
    ),
    "aflibercept/retinal-diseases": Case(
        ages=(62, 92),
        dosage=(
            "2 mg en injection intravitréenne chaque mois pour 3 doses, puis selon l'activité",
            "2 mg intravitreal injection every month for 3 doses, then as activity requires",
        ),
        quantity=("1 fiole par mois par œil traité", "1 vial a month per treated eye"),
        note=(
            "Dégénérescence maculaire liée à l'âge, forme néovasculaire, récemment diagnostiquée ; "
            "tomographie par cohérence optique ci-jointe.",
            "Neovascular age-related macular degeneration, recently diagnosed; optical coherence "
            "tomography attached.",
        ),
        report=(
            "Tomographie par cohérence optique\nÉpaisseur rétinienne centrale : 412 µm\nAcuité visuelle : 20/80",
            "Optical coherence tomography\nCentral retinal thickness: 412 µm\nVisual acuity: 20/80",
        ),
        choices={"diagnosis": (("namd",), ("other",)), "eyes": (("left", "right"), ("both",))},
        urgent=(
            "Baisse rapide de l'acuité visuelle : la première injection doit être faite cette semaine.",
            "Rapid loss of visual acuity: the first injection must be given this week.",
        ),
    ),
    "ranibizumab/retinal-diseases": Case(
        ages=(55, 90),
        dosage=(
            "0,5 mg en injection intravitréenne chaque mois",
            "0.5 mg intravitreal injection every month",
        ),
        quantity=("1 fiole par mois par œil traité", "1 vial a month per treated eye"),
        note=(
            "Œdème maculaire diabétique de l'œil droit, épaisseur centrale à 380 µm, acuité à 20/60.",
            "Diabetic macular oedema of the right eye, central thickness 380 µm, acuity 20/60.",
        ),
    ),
    "apremilast/plaque-psoriasis": Case(
        ages=(25, 70),
        dosage=(
            "Titration sur 5 jours, puis 30 mg par la bouche deux fois par jour",
            "Titration over 5 days, then 30 mg by mouth twice a day",
        ),
        quantity=("60 comprimés de 30 mg par mois", "60 tablets of 30 mg a month"),
        previous=(
            _p(
                "méthotrexate",
                "methotrexate",
                "not_tolerated",
                4,
                ("Transaminases élevées", "Raised liver enzymes"),
            ),
            _p("photothérapie UVB", "UVB phototherapy", "ineffective", 3),
        ),
        note=(
            "Psoriasis en plaques modéré à grave, PASI à 14, surface atteinte de 12 % ; échec de la "
            "photothérapie et intolérance au méthotrexate.",
            "Moderate to severe plaque psoriasis, PASI 14, 12 % of body surface; phototherapy failed and "
            "methotrexate not tolerated.",
        ),
        refusal=(
            "Le score PASI et la surface corporelle atteinte ne sont pas documentés.",
            "The PASI score and the body surface involved are not documented.",
        ),
    ),
    "risankizumab/plaque-psoriasis": Case(
        ages=(25, 70),
        dosage=(
            "150 mg par voie sous-cutanée aux semaines 0 et 4, puis toutes les 12 semaines",
            "150 mg subcutaneously at weeks 0 and 4, then every 12 weeks",
        ),
        quantity=(
            "2 stylos de 150 mg pour le début, puis 1 stylo toutes les 12 semaines",
            "2 pens of 150 mg to start, then 1 pen every 12 weeks",
        ),
        previous=(
            _p("méthotrexate", "methotrexate", "ineffective", 6),
            _p("cyclosporine", "cyclosporine", "not_tolerated", 2),
        ),
        note=(
            "Psoriasis en plaques grave, PASI à 18 ; échec du méthotrexate et intolérance à la "
            "cyclosporine (hypertension). Rapport du dermatologue ci-joint.",
            "Severe plaque psoriasis, PASI 18; methotrexate failed and cyclosporine not tolerated "
            "(hypertension). Dermatologist's report attached.",
        ),
        report=(
            "Consultation en dermatologie\nPASI : 18\nSurface corporelle atteinte : 20 %\nDLQI : 16",
            "Dermatology consultation\nPASI: 18\nBody surface involved: 20 %\nDLQI: 16",
        ),
        refusal=(
            "L'échec de la photothérapie ou d'un traitement systémique conventionnel n'est pas documenté.",
            "Failure of phototherapy or of a conventional systemic treatment is not documented.",
        ),
        months=6,
        quantity_by_month=False,
    ),
    "ocrelizumab/relapsing-ms": Case(
        ages=(22, 55),
        dosage=(
            "600 mg en perfusion intraveineuse tous les 6 mois (première dose en deux perfusions de 300 mg)",
            "600 mg intravenous infusion every 6 months (first dose as two 300 mg infusions)",
        ),
        quantity=("2 fioles de 300 mg tous les 6 mois", "2 vials of 300 mg every 6 months"),
        previous=(_p("fumarate de diméthyle", "dimethyl fumarate", "ineffective", 18),),
        note=(
            "Sclérose en plaques cyclique : deux poussées en 12 mois et nouvelles lésions rehaussées à l'IRM "
            "sous fumarate de diméthyle.",
            "Relapsing-remitting multiple sclerosis: two relapses in 12 months and new enhancing lesions on "
            "MRI on dimethyl fumarate.",
        ),
        report=(
            "IRM cérébrale\nDeux nouvelles lésions rehaussées par le gadolinium\nEDSS : 3,0",
            "Brain MRI\nTwo new gadolinium-enhancing lesions\nEDSS: 3.0",
        ),
        quantity_by_month=False,
    ),
    "ofatumumab/relapsing-ms": Case(
        ages=(20, 55),
        dosage=(
            "20 mg par voie sous-cutanée aux semaines 0, 1 et 2, puis chaque mois",
            "20 mg subcutaneously at weeks 0, 1 and 2, then every month",
        ),
        quantity=(
            "1 stylo de 20 mg par mois (3 le premier mois)",
            "1 pen of 20 mg a month (3 in the first month)",
        ),
        previous=(_p("tériflunomide", "teriflunomide", "ineffective", 14),),
        note=(
            "Sclérose en plaques cyclique active : une poussée et une nouvelle lésion en T2 sous "
            "tériflunomide.",
            "Active relapsing-remitting multiple sclerosis: one relapse and one new T2 lesion on "
            "teriflunomide.",
        ),
    ),
    "romosozumab/osteoporosis": Case(
        ages=(62, 88),
        sex="f",
        dosage=(
            "210 mg par voie sous-cutanée une fois par mois pendant 12 mois",
            "210 mg subcutaneously once a month for 12 months",
        ),
        quantity=("2 seringues de 105 mg par mois", "2 syringes of 105 mg a month"),
        previous=(_p("alendronate", "alendronate", "ineffective", 36),),
        note=(
            "Ostéoporose postménopausique grave : {fragility-fractures} fracture(s) de fragilité, T-score "
            "de −3,1 à la colonne lombaire.",
            "Severe postmenopausal osteoporosis: {fragility-fractures} fragility fracture(s), T-score "
            "−3.1 at the lumbar spine.",
        ),
        report=(
            "Ostéodensitométrie\nT-score, colonne lombaire : -3,1\nT-score, col du fémur : -2,7",
            "Bone densitometry\nT-score, lumbar spine: -3.1\nT-score, femoral neck: -2.7",
        ),
        numbers={"fragility-fractures": ((1, 3), (0, 0))},
    ),
    "teriparatide/osteoporosis": Case(
        ages=(60, 88),
        sex="f",
        dosage=("20 µg par voie sous-cutanée une fois par jour", "20 µg subcutaneously once a day"),
        quantity=("1 stylo de 28 doses par mois", "1 pen of 28 doses a month"),
        previous=(_p("risédronate", "risedronate", "ineffective", 48),),
        note=(
            "Ostéoporose postménopausique avec fracture vertébrale sous risédronate ; {months-received} mois "
            "de tériparatide déjà reçus.",
            "Postmenopausal osteoporosis with a vertebral fracture on risedronate; {months-received} months "
            "of teriparatide already received.",
        ),
        numbers={"months-received": ((0, 6), (18, 24))},
    ),
    "denosumab/osteoporosis": Case(
        ages=(60, 90),
        sex="f",
        dosage=("60 mg par voie sous-cutanée tous les 6 mois", "60 mg subcutaneously every 6 months"),
        quantity=("1 seringue de 60 mg tous les 6 mois", "1 syringe of 60 mg every 6 months"),
        previous=(_p("alendronate", "alendronate", "not_tolerated", 2, ("Œsophagite", "Oesophagitis")),),
        note=(
            "Ostéoporose postménopausique, T-score à −2,8 ; œsophagite sous alendronate et clairance de la "
            "créatinine à 28 mL/min.",
            "Postmenopausal osteoporosis, T-score −2.8; oesophagitis on alendronate and creatinine "
            "clearance 28 mL/min.",
        ),
        quantity_by_month=False,
    ),
    "denosumab/bone-metastases": Case(
        ages=(45, 85),
        dosage=("120 mg par voie sous-cutanée toutes les 4 semaines", "120 mg subcutaneously every 4 weeks"),
        quantity=("1 fiole de 120 mg par mois", "1 vial of 120 mg a month"),
        note=(
            "Métastases osseuses d'un cancer de la prostate résistant à la castration ; prévention des "
            "complications osseuses.",
            "Bone metastases of castration-resistant prostate cancer; prevention of skeletal events.",
        ),
        sex="m",
    ),
    "empagliflozin/type-2-diabetes": Case(
        ages=(45, 82),
        dosage=("10 mg par la bouche une fois par jour", "10 mg by mouth once a day"),
        quantity=("30 comprimés par mois", "30 tablets a month"),
        previous=(_p("gliclazide", "gliclazide", "not_tolerated", 8, ("Hypoglycémies", "Hypoglycaemia")),),
        note=(
            "Diabète de type 2 sous metformine 1 000 mg deux fois par jour ; hypoglycémies répétées sous "
            "gliclazide.",
            "Type 2 diabetes on metformin 1,000 mg twice a day; repeated hypoglycaemia on gliclazide.",
        ),
        choices={
            "metformin": (("with",), ("none",)),
            "sulfonylurea": (("not_tolerated", "ineffective"), ("used",)),
        },
    ),
    "empagliflozin/atherosclerotic-disease": Case(
        ages=(50, 84),
        dosage=("10 mg par la bouche une fois par jour", "10 mg by mouth once a day"),
        quantity=("30 comprimés par mois", "30 tablets a month"),
        note=(
            "Diabète de type 2 avec infarctus du myocarde il y a deux ans ; HbA1c à {hba1c} % sous "
            "metformine.",
            "Type 2 diabetes with a myocardial infarction two years ago; HbA1c {hba1c} % on metformin.",
        ),
        question=ASK_LABS,
        answer=("Résultat d'HbA1c du mois dernier joint.", "Last month's HbA1c result attached."),
        numbers={"hba1c": ((7.2, 9.6), (6.1, 6.8))},
    ),
    "semaglutide/type-2-diabetes": Case(
        ages=(40, 80),
        dosage=(
            "0,25 mg par voie sous-cutanée une fois par semaine pendant 4 semaines, puis 0,5 mg",
            "0.25 mg subcutaneously once a week for 4 weeks, then 0.5 mg",
        ),
        quantity=("1 stylo par mois", "1 pen a month"),
        previous=(_p("glyburide", "glyburide", "ineffective", 12),),
        note=(
            "Diabète de type 2 mal maîtrisé (HbA1c à 8,4 %) malgré la metformine et une sulfonylurée.",
            "Poorly controlled type 2 diabetes (HbA1c 8.4 %) despite metformin and a sulfonylurea.",
        ),
        numbers={"weekly-dose": ((0.5, 1.0), (2.0, 2.0))},
        choices={"sulfonylurea": (("ineffective", "not_tolerated"), ("used",))},
    ),
    "dulaglutide/type-2-diabetes": Case(
        ages=(40, 78),
        dosage=("1,5 mg par voie sous-cutanée une fois par semaine", "1.5 mg subcutaneously once a week"),
        quantity=("4 stylos par mois", "4 pens a month"),
        previous=(_p("sitagliptine", "sitagliptin", "ineffective", 9),),
        note=(
            "Diabète de type 2 avec obésité (IMC à {bmi} kg/m²) ; HbA1c à 8,1 % sous metformine et "
            "sitagliptine.",
            "Type 2 diabetes with obesity (BMI {bmi} kg/m²); HbA1c 8.1 % on metformin and sitagliptin.",
        ),
        numbers={"bmi": ((31.5, 41.0), (26.0, 29.5))},
    ),
    "sacubitril-valsartan/heart-failure-reduced": Case(
        ages=(50, 88),
        dosage=(
            "49/51 mg par la bouche deux fois par jour, augmenté à 97/103 mg selon la tolérance",
            "49/51 mg by mouth twice a day, increased to 97/103 mg if tolerated",
        ),
        quantity=("60 comprimés par mois", "60 tablets a month"),
        previous=(_p("ramipril", "ramipril", "ineffective", 10),),
        note=(
            "Insuffisance cardiaque à fraction d'éjection réduite ({lvef} %), classe NYHA {nyha}, sous "
            "bisoprolol et ramipril.",
            "Heart failure with reduced ejection fraction ({lvef} %), NYHA class {nyha}, on bisoprolol and "
            "ramipril.",
        ),
        numbers={"lvef": ((22, 38), (45, 52))},
        choices={"nyha": (("II", "III"), ("I",))},
    ),
    "ivabradine/heart-failure": Case(
        ages=(50, 85),
        dosage=("5 mg par la bouche deux fois par jour", "5 mg by mouth twice a day"),
        quantity=("60 comprimés par mois", "60 tablets a month"),
        note=(
            "Insuffisance cardiaque, fraction d'éjection à {lvef} %, fréquence cardiaque au repos à "
            "78 battements par minute sous bêtabloquant à dose maximale tolérée.",
            "Heart failure, ejection fraction {lvef} %, resting heart rate 78 beats a minute on a "
            "beta-blocker at the highest tolerated dose.",
        ),
        numbers={"lvef": ((20, 34), (38, 45))},
        choices={"nyha": (("II", "III"), ("IV",))},
    ),
    "nintedanib/pulmonary-fibrosis": Case(
        ages=(55, 85),
        dosage=("150 mg par la bouche deux fois par jour", "150 mg by mouth twice a day"),
        quantity=("60 capsules de 150 mg par mois", "60 capsules of 150 mg a month"),
        note=(
            "Fibrose pulmonaire idiopathique confirmée par tomodensitométrie ; CVF à 68 % de la valeur "
            "prédite.",
            "Idiopathic pulmonary fibrosis confirmed by CT scan; FVC 68 % of predicted.",
        ),
        report=(
            "Épreuves de fonction respiratoire\nCVF : 68 % de la valeur prédite\nDLCO : 47 % de la valeur prédite",
            "Pulmonary function tests\nFVC: 68 % of predicted\nDLCO: 47 % of predicted",
        ),
    ),
    "pirfenidone/pulmonary-fibrosis": Case(
        ages=(55, 85),
        dosage=(
            "Titration sur 14 jours jusqu'à 801 mg par la bouche trois fois par jour",
            "Titration over 14 days up to 801 mg by mouth three times a day",
        ),
        quantity=("90 comprimés de 801 mg par mois", "90 tablets of 801 mg a month"),
        note=(
            "Fibrose pulmonaire idiopathique, CVF à 72 % de la valeur prédite ; nintédanib non toléré "
            "(diarrhée).",
            "Idiopathic pulmonary fibrosis, FVC 72 % of predicted; nintedanib not tolerated (diarrhoea).",
        ),
        previous=(_p("nintédanib", "nintedanib", "not_tolerated", 2, ("Diarrhée", "Diarrhoea")),),
    ),
    "letermovir/cmv-prophylaxis": Case(
        ages=(20, 70),
        dosage=(
            "480 mg par la bouche une fois par jour jusqu'au jour 100 après la greffe",
            "480 mg by mouth once a day until day 100 after the transplant",
        ),
        quantity=("28 comprimés de 480 mg par mois", "28 tablets of 480 mg a month"),
        note=(
            "Greffe allogénique de cellules souches, receveur séropositif pour le CMV ; prophylaxie à "
            "commencer avant la sortie de l'hôpital.",
            "Allogeneic stem-cell transplant, CMV-seropositive recipient; prophylaxis to start before "
            "hospital discharge.",
        ),
        urgent=("Sortie de l'hôpital prévue cette semaine.", "Hospital discharge planned this week."),
        quantity_by_month=False,
    ),
    "valganciclovir/cmv-prophylaxis": Case(
        ages=(25, 72),
        dosage=(
            "900 mg par la bouche une fois par jour pendant 100 jours",
            "900 mg by mouth once a day for 100 days",
        ),
        quantity=("60 comprimés de 450 mg par mois", "60 tablets of 450 mg a month"),
        note=(
            "Greffe rénale, donneur séropositif et receveur séronégatif pour le CMV.",
            "Kidney transplant, CMV-seropositive donor and seronegative recipient.",
        ),
        choices={"serostatus": (("solid-d+r-",), ("other",))},
        urgent=("Sortie de l'hôpital prévue cette semaine.", "Hospital discharge planned this week."),
        quantity_by_month=False,
    ),
    "lisdexamfetamine/adhd": Case(
        ages=(8, 45),
        dosage=(
            "30 mg par la bouche le matin, augmenté à 50 mg selon la réponse",
            "30 mg by mouth in the morning, increased to 50 mg depending on the response",
        ),
        quantity=("30 capsules par mois", "30 capsules a month"),
        previous=(
            _p(
                "méthylphénidate à libération prolongée",
                "extended-release methylphenidate",
                "not_tolerated",
                4,
                ("Insomnie et perte d'appétit", "Insomnia and loss of appetite"),
            ),
        ),
        note=(
            "Trouble du déficit de l'attention avec hyperactivité ; insomnie et perte d'appétit sous "
            "méthylphénidate à libération prolongée.",
            "Attention deficit hyperactivity disorder; insomnia and loss of appetite on extended-release "
            "methylphenidate.",
        ),
        question=(
            "Veuillez préciser les doses de méthylphénidate essayées et la durée de chaque essai.",
            "Please give the methylphenidate doses tried and how long each was tried.",
        ),
        answer=(
            "Méthylphénidate à libération prolongée 18 mg puis 36 mg, deux mois chacun ; arrêt pour insomnie.",
            "Extended-release methylphenidate 18 mg then 36 mg, two months each; stopped for insomnia.",
        ),
    ),
    "galcanezumab/migraine-prophylaxis": Case(
        ages=(20, 60),
        dosage=(
            "240 mg par voie sous-cutanée la première fois, puis 120 mg chaque mois",
            "240 mg subcutaneously the first time, then 120 mg every month",
        ),
        quantity=(
            "1 stylo de 120 mg par mois (2 le premier mois)",
            "1 pen of 120 mg a month (2 in the first month)",
        ),
        note=(
            "Migraine chronique, {migraine-days} jours de migraine par mois malgré les traitements "
            "prophylactiques essayés.",
            "Chronic migraine, {migraine-days} migraine days a month despite the prophylactic treatments tried.",
        ),
        numbers={"migraine-days": ((8, 16), (2, 3))},
        months=6,
    ),
    "fremanezumab/migraine-prophylaxis": Case(
        ages=(20, 60),
        dosage=("225 mg par voie sous-cutanée chaque mois", "225 mg subcutaneously every month"),
        quantity=("1 seringue de 225 mg par mois", "1 syringe of 225 mg a month"),
        previous=(
            _p("amitriptyline", "amitriptyline", "ineffective", 4),
            _p("topiramate", "topiramate", "not_tolerated", 2, ("Paresthésies", "Paraesthesia")),
            _p("propranolol", "propranolol", "ineffective", 3),
        ),
        note=(
            "Migraine épisodique à haute fréquence, 12 jours par mois ; échec de trois classes de "
            "prophylactiques.",
            "High-frequency episodic migraine, 12 days a month; three classes of prophylactics failed.",
        ),
        months=6,
    ),
    "brivaracetam/focal-epilepsy": Case(
        ages=(16, 70),
        dosage=("50 mg par la bouche deux fois par jour", "50 mg by mouth twice a day"),
        quantity=("60 comprimés de 50 mg par mois", "60 tablets of 50 mg a month"),
        previous=(
            _p("lévétiracétam", "levetiracetam", "not_tolerated", 6, ("Irritabilité", "Irritability")),
            _p("lamotrigine", "lamotrigine", "ineffective", 9),
        ),
        note=(
            "Épilepsie focale réfractaire : trois crises par mois malgré la lamotrigine ; lévétiracétam "
            "cessé pour irritabilité.",
            "Refractory focal epilepsy: three seizures a month despite lamotrigine; levetiracetam stopped "
            "for irritability.",
        ),
    ),
    "palbociclib/breast-cancer": Case(
        ages=(40, 80),
        sex="f",
        dosage=(
            "125 mg par la bouche une fois par jour, 21 jours sur 28, avec le létrozole",
            "125 mg by mouth once a day, 21 days out of 28, with letrozole",
        ),
        quantity=("21 capsules de 125 mg par cycle de 28 jours", "21 capsules of 125 mg per 28-day cycle"),
        note=(
            "Cancer du sein métastatique, récepteurs hormonaux positifs et HER2 négatif ; traitement de "
            "première intention avec le létrozole.",
            "Metastatic breast cancer, hormone receptor positive and HER2 negative; first-line treatment "
            "with letrozole.",
        ),
        report=(
            "Rapport de pathologie\nRécepteurs des œstrogènes : positifs (95 %)\nHER2 : négatif (IHC 1+)",
            "Pathology report\nOestrogen receptors: positive (95 %)\nHER2: negative (IHC 1+)",
        ),
        urgent=(
            "Progression rapide : le traitement doit commencer ce mois-ci.",
            "Rapid progression: treatment must start this month.",
        ),
        months=6,
    ),
    "osimertinib/nsclc-egfr": Case(
        ages=(45, 85),
        dosage=("80 mg par la bouche une fois par jour", "80 mg by mouth once a day"),
        quantity=("30 comprimés de 80 mg par mois", "30 tablets of 80 mg a month"),
        note=(
            "Adénocarcinome pulmonaire de stade IV avec délétion de l'exon 19 de l'EGFR ; première intention.",
            "Stage IV lung adenocarcinoma with an EGFR exon 19 deletion; first line.",
        ),
        report=(
            "Analyse moléculaire\nEGFR : délétion de l'exon 19\nALK : négatif\nPD-L1 : 10 %",
            "Molecular analysis\nEGFR: exon 19 deletion\nALK: negative\nPD-L1: 10 %",
        ),
        urgent=(
            "Maladie symptomatique : traitement à commencer sans délai.",
            "Symptomatic disease: treatment to start without delay.",
        ),
        months=6,
    ),
    "dexcom-g6/glucose-monitoring": Case(
        ages=(6, 70),
        dosage=(
            "Port continu ; un capteur changé tous les 10 jours",
            "Worn continuously; one sensor changed every 10 days",
        ),
        quantity=(
            "3 capteurs et 1 émetteur tous les 3 mois",
            "3 sensors a month and 1 transmitter every 3 months",
        ),
        note=(
            "Diabète de type 1 sous insuline en multiples injections ; hypoglycémies nocturnes fréquentes.",
            "Type 1 diabetes on multiple daily insulin injections; frequent night-time hypoglycaemia.",
        ),
        numbers={"sensor-use": ((75, 96), (45, 65))},
        choices={"diabetes-type": (("type-1",), ("type-2",))},
    ),
    "silver-dressing/infected-wounds": Case(
        ages=(55, 92),
        dosage=("Changement du pansement tous les 3 jours", "Dressing changed every 3 days"),
        quantity=("10 pansements de 10 cm × 10 cm par mois", "10 dressings of 10 cm × 10 cm a month"),
        note=(
            "Ulcère veineux de la jambe droite atteignant le tissu sous-cutané, avec infection locale "
            "(culture positive à S. aureus).",
            "Venous ulcer of the right leg reaching the subcutaneous tissue, with local infection (culture "
            "positive for S. aureus).",
        ),
        months=3,
    ),
    "migalastat/fabry-disease": Case(
        ages=(18, 65),
        dosage=("123 mg par la bouche un jour sur deux", "123 mg by mouth every other day"),
        quantity=("14 capsules de 123 mg par mois", "14 capsules of 123 mg a month"),
        note=(
            "Maladie de Fabry confirmée avec mutation du gène GLA compatible avec le migalastat.",
            "Fabry disease confirmed with a GLA mutation amenable to migalastat.",
        ),
        report=(
            "Analyse génétique\nGène GLA : variant p.Asn215Ser (compatible)\nActivité de l'alpha-galactosidase A : abaissée",
            "Genetic analysis\nGLA gene: p.Asn215Ser variant (amenable)\nAlpha-galactosidase A activity: reduced",
        ),
    ),
    "patisiran/hattr-polyneuropathy": Case(
        ages=(35, 80),
        dosage=(
            "0,3 mg/kg en perfusion intraveineuse toutes les 3 semaines",
            "0.3 mg/kg intravenous infusion every 3 weeks",
        ),
        quantity=("3 fioles de 10 mg toutes les 3 semaines", "3 vials of 10 mg every 3 weeks"),
        note=(
            "Polyneuropathie de l'amylose héréditaire à transthyrétine (variant V30M), stade 1.",
            "Polyneuropathy of hereditary transthyretin amyloidosis (V30M variant), stage 1.",
        ),
        quantity_by_month=False,
    ),
    "rifaximin/hepatic-encephalopathy": Case(
        ages=(40, 80),
        dosage=(
            "550 mg par la bouche deux fois par jour, avec le lactulose",
            "550 mg by mouth twice a day, with lactulose",
        ),
        quantity=("60 comprimés de 550 mg par mois", "60 tablets of 550 mg a month"),
        previous=(_p("lactulose", "lactulose", "ineffective", 6),),
        note=(
            "Cirrhose alcoolique ; deux épisodes d'encéphalopathie hépatique en quatre mois malgré le "
            "lactulose à dose optimale.",
            "Alcohol-related cirrhosis; two episodes of hepatic encephalopathy in four months despite "
            "lactulose at an optimal dose.",
        ),
        urgent=(
            "Sortie de l'hôpital après un épisode d'encéphalopathie.",
            "Hospital discharge after an episode of encephalopathy.",
        ),
        months=6,
    ),
}

# Previous treatments that answer a criterion of kind previous_treatments (key -> drugs tried).
PRIOR_LISTS: dict[str, tuple[Prior, ...]] = {
    "dpp4": (_p("sitagliptine", "sitagliptin", "ineffective", 9),),
    "prophylactics": (
        _p("amitriptyline", "amitriptyline", "ineffective", 4),
        _p("topiramate", "topiramate", "not_tolerated", 2, ("Paresthésies", "Paraesthesia")),
        _p("propranolol", "propranolol", "ineffective", 3),
    ),
}


@dataclass(frozen=True)
class ExceptionalCase:
    """A request under the exceptional patient measure (a drug not on the list)."""

    ages: tuple[int, int]
    drug: str
    dosage: Text
    quantity: Text
    condition: Text
    alternatives: Text
    seriousness: Text
    benefit: Text
    sex: str = ""


EXCEPTIONAL_CASES: tuple[ExceptionalCase, ...] = (
    ExceptionalCase(
        ages=(3, 16),
        drug="cannabidiol 100 mg/mL, solution orale / oral solution",
        dosage=(
            "5 mg/kg par jour en deux prises, augmenté à 10 mg/kg",
            "5 mg/kg a day in two doses, increased to 10 mg/kg",
        ),
        quantity=("2 flacons de 100 mL par mois", "2 bottles of 100 mL a month"),
        condition=(
            "Syndrome de Dravet confirmé par analyse génétique (SCN1A).",
            "Dravet syndrome confirmed by genetic analysis (SCN1A).",
        ),
        alternatives=(
            "Échec du valproate, du clobazam et du stiripentol ; le topiramate a aggravé les crises.",
            "Valproate, clobazam and stiripentol failed; topiramate made the seizures worse.",
        ),
        seriousness=(
            "Plus de vingt crises convulsives par mois, dont deux états de mal ayant mené à l'hospitalisation.",
            "More than twenty convulsive seizures a month, including two status epilepticus leading to a hospital stay.",
        ),
        benefit=(
            "Réduction d'au moins 50 % des crises convulsives, mesurée par le journal des crises.",
            "At least 50 % fewer convulsive seizures, measured by the seizure diary.",
        ),
    ),
    ExceptionalCase(
        ages=(25, 65),
        drug="mexilétine 200 mg, capsule / mexiletine 200 mg capsule",
        dosage=("200 mg par la bouche trois fois par jour", "200 mg by mouth three times a day"),
        quantity=("90 capsules par mois", "90 capsules a month"),
        condition=(
            "Myotonie non dystrophique (myotonie congénitale de Thomsen).",
            "Non-dystrophic myotonia (Thomsen's myotonia congenita).",
        ),
        alternatives=(
            "Aucun médicament inscrit à la liste n'est indiqué ; la carbamazépine n'a pas été tolérée.",
            "No listed drug is indicated; carbamazepine was not tolerated.",
        ),
        seriousness=(
            "Raideur musculaire qui provoque des chutes et empêche le travail.",
            "Muscle stiffness causing falls and preventing work.",
        ),
        benefit=(
            "Moins de raideur au test de relâchement de la main et moins de chutes en trois mois.",
            "Less stiffness on the hand-grip release test and fewer falls within three months.",
        ),
    ),
    ExceptionalCase(
        ages=(1, 12),
        drug="nitisinone 10 mg, capsule / nitisinone 10 mg capsule",
        dosage=("1 mg/kg par jour en deux prises", "1 mg/kg a day in two doses"),
        quantity=("60 capsules de 10 mg par mois", "60 capsules of 10 mg a month"),
        condition=(
            "Tyrosinémie héréditaire de type 1 dépistée à la naissance.",
            "Hereditary tyrosinaemia type 1 found at newborn screening.",
        ),
        alternatives=(
            "Le régime pauvre en tyrosine seul ne suffit pas ; il n'existe aucune autre option inscrite.",
            "A low-tyrosine diet alone is not enough; there is no other listed option.",
        ),
        seriousness=(
            "Risque d'insuffisance hépatique et de carcinome hépatocellulaire.",
            "Risk of liver failure and hepatocellular carcinoma.",
        ),
        benefit=(
            "Succinylacétone indétectable dans l'urine et bilan hépatique normal.",
            "Undetectable succinylacetone in urine and normal liver tests.",
        ),
    ),
)

# Julie Tremblay (TREM 8553 1512), Dre Tremblay's patient, for the panorama try-out of the README:
# (days since sending, final status, case, how the case's criteria are answered). The panorama of Dre
# Tremblay and of her assistant shows the first five (sent within 90 days), not the last two.
JULIE = (
    (3, "submitted", "lisdexamfetamine/adhd", "review"),
    (12, "information_requested", "omalizumab/chronic-urticaria", "unclear"),
    (30, "accepted", "adalimumab/inflammatory-diseases", "review"),
    (60, "refused", "omalizumab/chronic-urticaria", "not_met"),
    (89, "in_review", "risankizumab/plaque-psoriasis", "review"),  # refused, then a review asked 2 days ago
    (95, "accepted", "galcanezumab/migraine-prophylaxis", "met"),
    (200, "refused", "galcanezumab/migraine-prophylaxis", "not_met"),
)
