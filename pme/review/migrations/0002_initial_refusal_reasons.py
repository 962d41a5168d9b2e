"""The starting list of refusal reasons (managed afterwards in the admin), so that a fresh installation
can refuse a request. Texts frozen here on purpose: later edits happen in the data, not in code."""

from django.db import migrations

REASONS = (
    ("criterion-not-met", "Un critère de l'indication reconnue n'est pas rempli.",
     "A criterion of the recognized indication is not met.", True),
    ("missing-evidence", "Les résultats ou rapports qui démontrent le critère ne sont pas fournis.",
     "The results or reports showing the criterion are not provided.", True),
    ("alternatives-not-tried", "Les traitements de première intention n'ont pas été essayés.",
     "First-line treatments have not been tried.", True),
    ("no-response", "La réponse au traitement n'atteint pas le seuil exigé pour le renouvellement.",
     "The response to treatment does not reach the threshold required for renewal.", True),
    ("dose-above-maximum", "La dose ou la quantité demandée dépasse le maximum reconnu.",
     "The dose or quantity asked exceeds the recognized maximum.", False),
    ("not-exceptional", "La nécessité particulière et exceptionnelle n'est pas démontrée.",
     "Particular and exceptional necessity is not shown.", False),
    ("no-answer", "Les renseignements demandés n'ont pas été fournis.",
     "The information requested was not provided.", False),
)


def create(apps, schema_editor):
    RefusalReason = apps.get_model("review", "RefusalReason")
    for position, (code, text_fr, text_en, criterion) in enumerate(REASONS):
        RefusalReason.objects.get_or_create(
            code=code,
            defaults={"text_fr": text_fr, "text_en": text_en, "applies_to_criterion": criterion,
                      "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
