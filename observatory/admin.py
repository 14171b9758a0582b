from django.contrib import admin

from .models import Carrier, Dataset, ImportBatch, RenewableSource, Sector, Target


@admin.register(Sector, Carrier, RenewableSource)
class ManagedListAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "order")
    list_editable = ("name_en", "order")

    def get_readonly_fields(self, request, obj=None):
        # The observations and the files imported name an entry by its code: it stays as created.
        return ("code",) if obj is not None else ()


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "territory", "producer", "licence", "priority", "is_demo", "is_open")
    list_editable = ("name_en",)
    list_filter = ("territory", "is_open", "is_demo")
    list_select_related = ("territory",)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "dataset",
        "status",
        "rows_imported",
        "error_count",
        "created_at",
        "uploaded_by",
    )
    list_filter = ("status", "dataset")
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "territory",
        "reference_year",
        "ghg_reduction_pct",
        "consumption_reduction_pct",
        "renewable_share_pct",
    )
    list_filter = ("territory",)
    list_select_related = ("territory", "commune")
