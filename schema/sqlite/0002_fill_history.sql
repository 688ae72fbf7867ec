-- The last answers given for each recipe, so `fill --again` and `render --again` can reuse
-- them. One row per recipe (the newest answers replace the older ones: a history of
-- every answer ever given would only pile up private text). Nothing is written here when
-- the user passes --no-history or sets `history: false`.
CREATE TABLE fill_history (
    recipe_id INTEGER PRIMARY KEY REFERENCES recipes(id) ON DELETE CASCADE,
    version   INTEGER NOT NULL,   -- the recipe version the answers were rendered with
    answers   TEXT NOT NULL,      -- JSON object: variable name -> typed value
    used_at   TEXT NOT NULL       -- when, UTC, ISO 8601
);

CREATE INDEX fill_history_used_at ON fill_history (used_at);
