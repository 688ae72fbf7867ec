-- Snippets: named, versioned pieces of template that recipes include as `{{> name}}`.
-- Like recipes they have a namespace ('' for the user's own, a pack's name for a pack's)
-- and every version is kept.
CREATE TABLE snippets (
    id              INTEGER PRIMARY KEY,
    namespace       TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    current_version INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- name first: the render path looks snippets up by name.
    UNIQUE (name, namespace)
);

CREATE TABLE snippet_versions (
    snippet_id INTEGER NOT NULL REFERENCES snippets(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    yaml       TEXT NOT NULL,
    hash       TEXT NOT NULL,                     -- sha256 of the YAML text, hex
    template   TEXT NOT NULL,                     -- the template, so a render skips the YAML
    created_at TEXT NOT NULL,
    PRIMARY KEY (snippet_id, version)
) WITHOUT ROWID;

-- The snippets each recipe's current version includes, as written in `{{> name}}` (a bare
-- name, or `pack/name`), so "which recipes use this snippet" is one indexed read.
CREATE TABLE recipe_snippets (
    recipe_id INTEGER NOT NULL REFERENCES recipes(id) ON DELETE CASCADE,
    snippet   TEXT NOT NULL,
    PRIMARY KEY (recipe_id, snippet)
) WITHOUT ROWID;

CREATE INDEX recipe_snippets_snippet ON recipe_snippets (snippet);

-- Which snippets a pack installed, and the hash of the YAML it last delivered for each (as
-- pack_recipes does for recipes).
CREATE TABLE pack_snippets (
    pack       TEXT NOT NULL REFERENCES packs(name) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    snippet_id INTEGER REFERENCES snippets(id) ON DELETE SET NULL,
    file       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (pack, name)
) WITHOUT ROWID;

CREATE INDEX pack_snippets_snippet ON pack_snippets (snippet_id);
