"""The quality part of the « rapport annuel du délégataire » (and its monthly version): a PDF
(WeasyPrint) with each indicator, its target, its trend, its chart, the breaches and the
penalties they imply, and the residents' satisfaction comments anonymised; an ODS (odfpy) and
a CSV annex with the same tables (ADR 0038)."""
