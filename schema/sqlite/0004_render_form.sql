-- Each version's render form: the fields rendering reads, as JSON with their positions in
-- the YAML (see src/recipe/render_form.rs), so `render` need not parse YAML. The YAML stays
-- the source of truth; the store writes the form with every new version, and this
-- migration's hook fills it in for the versions already stored.
ALTER TABLE recipe_versions ADD COLUMN render_form TEXT;
