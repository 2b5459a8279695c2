"""Office scoping for the Django admin: every ModelAdmin and inline shows, offers and saves only
the objects of the signed-in user's office (docs/decisions/admin-scope.md).

The system administrator is a superuser: it sees and changes everything. Every other staff
user (a plan administrator, also a role "sysadmin" account that is not a superuser: the app
scopes that role to its office too) is limited to their office:

- each ModelAdmin declares how its model reaches an office, `office_path = "plan__office"`
  (`"id"` for Office itself); rows with no office on that path are shared reference data
  when `shared_when_null` is set (national policy frameworks): visible, never changed;
- `global_reference = True`: data of every office (fiscal years, categories, fund sources),
  visible to staff and changed by the system administrator only;
- `superuser_only = True`: the system administrator's alone (auth groups, lockouts, tasks).

An out-of-scope or missing object is 404, as in the app. Choices of foreign keys and many-to-
many fields (autocomplete included: its view asks the target's admin for its queryset) come
from the target model's admin scope, and a form whose object would land outside the office is
refused before anything is saved.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from actionplan.admin_dates import ADMIN_DATE_OVERRIDES

OUT_OF_SCOPE = _("รายการนี้อยู่นอกสำนักงานของท่าน หรือเป็นข้อมูลกลางที่เฉพาะผู้ดูแลระบบแก้ไขได้")


def is_system_admin(user) -> bool:
    """The system administrator of the admin: a superuser, never a role alone."""
    return bool(getattr(user, "is_superuser", False))


class _Scope:
    """What a ModelAdmin or inline declares, and the checks both share."""

    # Dates typed and shown in the Buddhist Era (actionplan.admin_dates).
    formfield_overrides = ADMIN_DATE_OVERRIDES

    office_path: str | None = None
    shared_when_null: bool = False
    global_reference: bool = False
    superuser_only: bool = False

    @classmethod
    def scope_declared(cls) -> bool:
        return bool(cls.office_path) or cls.global_reference or cls.superuser_only

    def scope_queryset(self, request, queryset):
        """The rows a non-superuser may see; fail closed when the scope is not declared."""
        user = request.user
        if is_system_admin(user):
            return queryset
        if self.global_reference:
            return queryset
        if self.superuser_only or not self.office_path or not user.office_id:
            return queryset.none()
        mine = Q(**{self.office_path: user.office_id})
        if self.shared_when_null:
            mine |= Q(**{f"{self.office_path}__isnull": True})
        return queryset.filter(mine)

    def office_id_of(self, obj):
        """The office id an object belongs to through `office_path` (None when it has none)."""
        parts = self.office_path.split("__")
        current = obj
        for part in parts[:-1]:
            try:
                current = getattr(current, part)
            except ObjectDoesNotExist:
                return None
            if current is None:
                return None
        last = parts[-1]
        try:
            field = current._meta.get_field(last)
        except FieldDoesNotExist:
            return getattr(current, last, None)
        return getattr(current, field.attname if field.is_relation else field.name)

    def in_write_scope(self, request, obj) -> bool:
        """Whether the user may add, change or delete this object (shared rows: never)."""
        user = request.user
        if is_system_admin(user):
            return True
        if self.global_reference or self.superuser_only or not self.office_path:
            return False
        return user.office_id is not None and self.office_id_of(obj) == user.office_id

    def scoped_form(self, request, form_class):
        """The form class, refusing (as a form error) an object that would leave the office."""
        if is_system_admin(request.user):
            return form_class
        scope = self

        class ScopedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if not scope.in_write_scope(request, self.instance):
                    self.add_error(None, OUT_OF_SCOPE)

        ScopedForm.__name__ = form_class.__name__
        ScopedForm.__qualname__ = form_class.__qualname__
        return ScopedForm

    def get_field_queryset(self, db, db_field, request):
        """Foreign-key and many-to-many choices: the target model's admin scope."""
        queryset = super().get_field_queryset(db, db_field, request)
        if is_system_admin(request.user):
            return queryset
        model = db_field.remote_field.model
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        target = self.admin_site._registry.get(model)
        if isinstance(target, _Scope):
            return target.choice_queryset(request, queryset)
        return queryset.none()  # an unregistered target: nothing to choose

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from actionplan.models import Office

        if db_field.remote_field.model is Office and not is_system_admin(request.user):
            # A plan administrator's object always belongs to their office, never to none.
            kwargs.setdefault("required", True)
            kwargs.setdefault("empty_label", None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        """Relation filters list only the values of the user's own rows (never other offices)."""
        filters = super().get_list_filter(request)
        if is_system_admin(request.user):
            return filters
        scoped = []
        for item in filters:
            if isinstance(item, str):
                try:
                    field = get_fields_from_path(self.model, item)[-1]
                except (FieldDoesNotExist, AttributeError):
                    field = None
                if field is not None and field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            scoped.append(item)
        return scoped


class ScopedAdminMixin(_Scope):
    """Put first in every ModelAdmin's bases; declare `office_path` (or a global kind)."""

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def choice_queryset(self, request, queryset):
        """What other admins may offer of this model in their choice fields."""
        return self.scope_queryset(request, queryset)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.scope_queryset(request, queryset), may_have_duplicates

    def _read_only_for(self, request) -> bool:
        return not is_system_admin(request.user) and (
            self.global_reference or self.superuser_only or not self.office_path
        )

    def has_module_permission(self, request):
        if self.superuser_only and not is_system_admin(request.user):
            return False
        return super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if self.superuser_only and not is_system_admin(request.user):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        if self._read_only_for(request):
            return False
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if self._read_only_for(request):
            return False
        if obj is not None and not self.in_write_scope(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._read_only_for(request):
            return False
        if obj is not None and not self.in_write_scope(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_import_permission(self, request):  # django-import-export: reference data only
        allowed = getattr(super(), "has_import_permission", None)
        return is_system_admin(request.user) and bool(allowed and allowed(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self.scoped_form(request, super().get_form(request, obj, change=change, **kwargs))

    def _404_unless_visible(self, request, object_id) -> None:
        """Out-of-scope object URLs are 404 before any permission check can answer 403."""
        if object_id is None or is_system_admin(request.user):
            return
        if TO_FIELD_VAR in request.GET or TO_FIELD_VAR in request.POST:
            return  # Django's own lookup (through the scoped queryset) answers 404 then
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._404_unless_visible(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._404_unless_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._404_unless_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope or missing: 404 as in the app, never a hint that the object exists.
        raise Http404

    def _refuse_out_of_scope(self, request, obj):
        if not self.in_write_scope(request, obj):
            raise PermissionDenied(OUT_OF_SCOPE)

    def save_model(self, request, obj, form, change):
        self._refuse_out_of_scope(request, obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        self._refuse_out_of_scope(request, form.instance)
        inline = self._inline_for(request, formset.model)
        for child in formset.forms:
            if child.has_changed() and inline is not None:
                inline._refuse_out_of_scope(request, child.instance)
        super().save_formset(request, form, formset, change)

    def _inline_for(self, request, model):
        for inline in self.get_inline_instances(request, None):
            if inline.model is model:
                return inline
        return None

    def delete_model(self, request, obj):
        self._refuse_out_of_scope(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, self.scope_queryset(request, queryset))


class ScopedInlineMixin(_Scope):
    """Put first in every inline's bases; declare `office_path` from the inline's own model."""

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def _parent_writable(self, request, obj) -> bool:
        parent = self.admin_site._registry.get(self.parent_model)
        return obj is None or not isinstance(parent, _Scope) or parent.in_write_scope(request, obj)

    def has_add_permission(self, request, obj=None):
        if not self._parent_writable(request, obj):
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if not self._parent_writable(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not self._parent_writable(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = self.scoped_form(request, formset.form)
        return formset

    def _refuse_out_of_scope(self, request, obj):
        if not self.in_write_scope(request, obj):
            raise PermissionDenied(OUT_OF_SCOPE)


class SuperuserOnlyMixin(ScopedAdminMixin):
    """An admin for the system administrator alone (also those of installed packages)."""

    superuser_only = True


def lock_to_superusers(site, app_labels) -> None:
    """Re-register the admins of installed packages (auth groups, axes, tasks) superuser-only:
    their models have no office, so only the system administrator sees them."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label in app_labels and not isinstance(model_admin, _Scope):
            cls = type(model_admin)
            locked = type(cls.__name__, (SuperuserOnlyMixin, cls), {"__module__": cls.__module__})
            site.unregister(model)
            site.register(model, locked)
