-- The render form now holds each template as parsed (layout 3, src/recipe/template_form.rs).
-- Forms written before are ignored by `render` (their stamp differs), which then reads the
-- YAML on every run; this migration's hook writes every stored version's form again, so an
-- existing library renders on the fast path at once. No table changes.
SELECT 1;
