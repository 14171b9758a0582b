"""La Lettre du Plan Climat: assemble, edit, publish. Placeholder: being written."""

urlpatterns = []
