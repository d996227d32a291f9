"""Form pieces every app uses."""

from __future__ import annotations

from typing import Any

from django import forms


class VersionedModelForm(forms.ModelForm):
    """A model form that edits a stored object carries the version it was read at
    (DESIGN.md, rule 4), so the service can refuse a change made on an older one.

    The hidden ``version`` is filled from the instance and required when the form
    edits; a form that creates has none. ``edit()`` gives the service its arguments.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].required = True
            self.initial.setdefault("version", self.instance.version)

    def changes(self) -> dict[str, Any]:
        """What was filled in, without the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def edit(self) -> dict[str, Any]:
        """The ``version`` and ``changes`` arguments of an update service."""
        return {"version": self.cleaned_data["version"], "changes": self.changes()}
