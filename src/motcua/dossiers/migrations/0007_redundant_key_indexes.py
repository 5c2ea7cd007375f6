# The single-column indexes of four keys that lead a composite index already, and of the
# events' unit, which nothing searches by (see the models): dropped by name, since SQLite
# would otherwise rebuild both tables for an index change, and with the events table its
# append-only trigger.

import django.db.models.deletion
from django.db import migrations, models

# (index, table, column) as Django named them when it created them.
INDEXES = (
    ("dossiers_dossier_competent_unit_id_5a088221", "dossiers_dossier", "competent_unit_id"),
    ("dossiers_dossier_province_id_36bed839", "dossiers_dossier", "province_id"),
    ("dossiers_dossier_unit_id_49f6b550", "dossiers_dossier", "unit_id"),
    ("dossiers_dossierevent_dossier_id_90237d93", "dossiers_dossierevent", "dossier_id"),
    ("dossiers_dossierevent_unit_id_b68d2c3b", "dossiers_dossierevent", "unit_id"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_applicant_prefix_covers_scope"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
                )
                for name, table, column in INDEXES
            ],
            state_operations=[
                *(
                    migrations.AlterField(
                        model_name="dossier",
                        name=name,
                        field=models.ForeignKey(
                            db_index=False,
                            on_delete=django.db.models.deletion.PROTECT,
                            related_name="+",
                            to="units.unit",
                        ),
                    )
                    for name in ("competent_unit", "province", "unit")
                ),
                migrations.AlterField(
                    model_name="dossierevent",
                    name="dossier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossierevent",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
            ],
        ),
    ]
