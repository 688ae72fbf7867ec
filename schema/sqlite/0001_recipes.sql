-- Recipes, every version of each, and the full-text index.
CREATE TABLE recipes (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '[]',   -- JSON array, for display
    model_prefer    TEXT,
    current_version INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE recipe_versions (
    recipe_id  INTEGER NOT NULL REFERENCES recipes(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    yaml       TEXT NOT NULL,
    hash       TEXT NOT NULL,                     -- sha256 of the YAML text, hex
    created_at TEXT NOT NULL,
    PRIMARY KEY (recipe_id, version)
) WITHOUT ROWID;

CREATE TABLE recipe_tags (
    tag       TEXT NOT NULL,
    recipe_id INTEGER NOT NULL REFERENCES recipes(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, recipe_id)
) WITHOUT ROWID;

-- rowid = recipes.id; kept in step by the store in the same transaction as each write.
CREATE VIRTUAL TABLE recipes_fts USING fts5(
    name, title, description, tags, body,
    tokenize = 'porter unicode61'
);
