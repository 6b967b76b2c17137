"""The area form: a name, a type, a road's width and the geometry (drawn or pasted GeoJSON)."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from guichet.territory.areas import BUFFER_RANGE, AreaError, parse_geometry
from guichet.territory.models import Area

REQUIRED = {"required": "Ce champ est obligatoire."}


class AreaForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=120, error_messages=REQUIRED | {
        "max_length": "Le nom tient en 120 caractères au plus."})  # fmt: skip
    kind = forms.ChoiceField(label="Type", choices=Area.Kind.choices, initial=Area.Kind.OTHER,
                             error_messages=REQUIRED | {
                                 "invalid_choice": "Choisissez le type dans la liste."})  # fmt: skip
    buffer_m = forms.IntegerField(
        label="Largeur de part et d'autre d'une voie (mètres)", initial=15,
        min_value=BUFFER_RANGE[0], max_value=BUFFER_RANGE[1],
        error_messages=REQUIRED | {
            "invalid": "Indiquez un nombre entier de mètres.",
            "min_value": f"Au moins {BUFFER_RANGE[0]} mètre.",
            "max_value": f"Au plus {BUFFER_RANGE[1]} mètres.",
        },
    )  # fmt: skip
    geometry = forms.CharField(
        label="Géométrie (GeoJSON)", widget=forms.Textarea, max_length=1_000_000,
        error_messages={"required": "Dessinez le secteur sur la carte ou collez sa géométrie "
                        "GeoJSON.", "max_length": "Cette géométrie est trop longue."},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.get("initial")
        if initial and isinstance(initial.get("geometry"), dict):
            kwargs["initial"] = initial | {"geometry": json.dumps(initial["geometry"])}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if "\x00" in name:
            raise forms.ValidationError("Le nom contient un caractère interdit.")
        return name

    def clean_geometry(self) -> dict[str, Any]:
        try:
            return parse_geometry(self.cleaned_data["geometry"])
        except AreaError as refused:
            raise forms.ValidationError(str(refused)) from None
