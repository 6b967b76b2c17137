"""The typed form definition stored in `Service.form_definition`: a JSON list of items.

Every item has a `name` (lowercase letters, digits and « _ », starting with a letter; unique
in the whole form, inside repeatable blocks and across pages too), a `label` and a `type`.

Fields (`short_text`, `long_text`, `number`, `date`, `choice`, `multiple_choice`, `email`,
`phone`, `address`, `location`, `file`, `checkbox`, `siret`, `rna`) take `required`,
`help_text`, `show_if` and their own rules:

- `short_text`, `long_text`: `min_length`, `max_length`, `pattern` (a Python regular
  expression the whole answer must match) with its French `pattern_message` (required);
- `number`: `min_value`, `max_value`, `integer_only`, `unit` (« m² », « € »);
- `date`: `min_date`, `max_date`, `not_in_past`, `not_in_future`;
- `choice`, `multiple_choice`: `choices` [{value, label}], `min_selections`, `max_selections`;
- `file`: `allowed_types` (pdf, png, jpeg, webp, heic), `max_size_mb`, `max_files`;
- `siret`: 14 digits with a valid checksum; `rna`: W then 9 digits.

Structure:

- `page` (`label` is its title, `help_text`): a page break. A form with pages starts with
  one; the portal shows one page at a time (« Étape 2 sur 3 ») and checks all at the end.
- `section` (`label` is its title, `help_text`, `show_if`): everything after it up to the
  next section or page belongs to it and is hidden with it.
- `repeat`: a block answered once per item, `fields` (one-value fields: no file, no point on
  the map, no block, no condition inside), `item_label` (« Enfant » → « Enfant 1 »),
  `add_label` (« Ajouter un enfant »), `min_items`, `max_items` (at most 50), `required`
  (at least one block). Its answer is a list of objects keyed by the block's field names.

A condition `show_if` is `{"field": <name>, "equals": <value>}` or `{"field": <name>,
"in": [<values>]}` and targets an earlier field of type short_text, number, choice,
multiple_choice or checkbox (never one inside a block).

    [{"name": "demandeur", "label": "Le demandeur", "type": "page"},
     {"name": "statut", "label": "Vous êtes", "type": "choice", "required": true,
      "choices": [{"value": "particulier", "label": "Un particulier"},
                  {"value": "entreprise", "label": "Une entreprise"}]},
     {"name": "entreprise", "label": "Votre entreprise", "type": "section",
      "show_if": {"field": "statut", "equals": "entreprise"}},
     {"name": "siret", "label": "Numéro SIRET", "type": "siret", "required": true},
     {"name": "foyer", "label": "Votre foyer", "type": "page"},
     {"name": "enfants", "label": "Vos enfants", "type": "repeat", "item_label": "Enfant",
      "add_label": "Ajouter un enfant", "max_items": 6,
      "fields": [{"name": "prenom", "label": "Prénom", "type": "short_text", "required": true},
                 {"name": "naissance", "label": "Date de naissance", "type": "date",
                  "required": true}]}]

`parse_form_definition()` turns that JSON into a `FormDefinition` or raises
`InvalidFormDefinition` with French messages an administrator can act on.
"""

from guichet.catalogue.formdef.fields import (
    DESCRIPTION_LIMIT,
    FIELD_TYPES,
    FILE_KINDS,
    FRANCE_BOXES,
    ITEM_TYPES,
    SLUG,
    STRUCTURE_TYPES,
    Choice,
    Condition,
    FileField,
    InvalidFormDefinition,
    SimpleField,
)
from guichet.catalogue.formdef.parsing import parse_form_definition
from guichet.catalogue.formdef.structure import (
    CONDITIONABLE,
    DESCRIPTION_NAMES,
    REPEAT_LIMIT,
    REPEATABLE_TYPES,
    SUMMARY_LENGTH,
    SUMMARY_TYPES,
    FormDefinition,
    FormField,
    FormItem,
    PageItem,
    RepeatItem,
    SectionItem,
)

__all__ = [
    "CONDITIONABLE",
    "DESCRIPTION_LIMIT",
    "DESCRIPTION_NAMES",
    "FIELD_TYPES",
    "FILE_KINDS",
    "FRANCE_BOXES",
    "ITEM_TYPES",
    "REPEAT_LIMIT",
    "REPEATABLE_TYPES",
    "SLUG",
    "STRUCTURE_TYPES",
    "SUMMARY_LENGTH",
    "SUMMARY_TYPES",
    "Choice",
    "Condition",
    "FileField",
    "FormDefinition",
    "FormField",
    "FormItem",
    "InvalidFormDefinition",
    "PageItem",
    "RepeatItem",
    "SectionItem",
    "SimpleField",
    "parse_form_definition",
]
