-- Packs: recipes shared through a folder, a bundle file or a git repository.
--
-- Recipes gain a namespace: '' for the user's own recipes, a pack's name for the recipes that
-- pack installed. A name is unique within its namespace, so two packs (or a pack and the user)
-- may each have a `blog-draft`; `team/blog-draft` always names one, a bare `blog-draft` names
-- the user's own if there is one, else the only pack recipe of that name.
--
-- SQLite cannot drop the old UNIQUE (name) constraint in place, so the table is rebuilt with
-- the same ids (recipe_versions, recipe_tags and recipes_fts refer to them). Migrations run
-- with foreign keys off (Library::open turns them on afterwards), as the rebuild requires.
CREATE TABLE recipes_new (
    id              INTEGER PRIMARY KEY,
    namespace       TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '[]',   -- JSON array, for display
    model_prefer    TEXT,
    current_version INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- name first: a bare-name lookup (the render path) is one range of this index.
    UNIQUE (name, namespace)
);

INSERT INTO recipes_new (id, namespace, name, title, description, tags, model_prefer,
                         current_version, created_at, updated_at)
SELECT id, '', name, title, description, tags, model_prefer, current_version, created_at, updated_at
FROM recipes;

DROP TABLE recipes;
ALTER TABLE recipes_new RENAME TO recipes;

-- Deleting a recipe's tags (on every new version, and on remove) looked them up by scanning
-- the whole table: with a pack of 10,000 recipes that made installing quadratic.
CREATE INDEX recipe_tags_recipe ON recipe_tags (recipe_id);

-- One row per installed pack: what it is and where it came from.
CREATE TABLE packs (
    name         TEXT PRIMARY KEY,                -- the manifest's name; the recipes' namespace
    version      TEXT NOT NULL,                   -- the manifest's version when installed
    manifest     TEXT NOT NULL,                   -- the manifest as JSON (description, authors, …)
    source_kind  TEXT NOT NULL CHECK (source_kind IN ('folder', 'bundle', 'git')),
    source       TEXT NOT NULL,                   -- folder or bundle path (absolute), or git URL
    ref          TEXT,                            -- the git ref asked for; NULL: the default branch
    commit_id    TEXT,                            -- the commit the ref resolved to (git only)
    installed_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) WITHOUT ROWID;

-- Which recipes a pack installed, and the hash of the YAML the pack last delivered for each:
-- a recipe is "changed locally" when its current version's hash differs from that hash.
-- recipe_id becomes NULL when the user removes the recipe, so an update does not bring back
-- what the user removed (unless asked with --theirs).
CREATE TABLE pack_recipes (
    pack      TEXT NOT NULL REFERENCES packs(name) ON DELETE CASCADE,
    name      TEXT NOT NULL,                      -- the recipe's name in the pack
    recipe_id INTEGER REFERENCES recipes(id) ON DELETE SET NULL,
    file      TEXT NOT NULL,                      -- its path in the pack, e.g. writing/blog.yaml
    hash      TEXT NOT NULL,                      -- sha256 of the YAML the pack delivered
    PRIMARY KEY (pack, name)
) WITHOUT ROWID;

CREATE INDEX pack_recipes_recipe ON pack_recipes (recipe_id);
