"""Form pieces every app uses."""

from __future__ import annotations

from typing import Any

from django import forms

from portal.core.versions import CONFLICT


class VersionedModelForm(forms.ModelForm):
    """A model form that edits a stored object carries the version it was read at
    (DESIGN.md, rule 4), so the service can refuse a change made on an older one.

    The hidden ``version`` is filled from the instance when the form edits; a form
    that edits without one is a conflict, said above the form with what was typed
    kept. A form that creates has none. ``edit()`` gives the service its arguments.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved_meanwhile: list[tuple[str, Any, Any]] = []
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is not None and cleaned.get("version") is None:
            # The form was read before the object existed (or lost its version): the
            # person sees a conflict above the form, with what they typed kept.
            self.add_error(None, CONFLICT)
            self.show_saved_meanwhile()
        return cleaned

    def show_saved_meanwhile(self) -> None:
        """After a conflict: ``saved_meanwhile`` lists (label, what is stored now, what
        was typed) for each field where the two differ; the form keeps what was typed."""
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if stored is None:
            return
        typed = getattr(self, "cleaned_data", {})
        self.saved_meanwhile = [
            (field.label, getattr(stored, name), typed[name])
            for name, field in self.fields.items()
            if name != "version" and name in typed and getattr(stored, name) != typed[name]
        ]

    def changes(self) -> dict[str, Any]:
        """What was filled in, without the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def edit(self) -> dict[str, Any]:
        """The ``version`` and ``changes`` arguments of an update service."""
        return {"version": self.cleaned_data["version"], "changes": self.changes()}
