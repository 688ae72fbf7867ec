//! A value that remembers where it stood in its YAML file, so errors can point at it.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use std::cell::Cell;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::yaml::{Position, Spanned};

/// A deserialized value with the position of its YAML node.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub position: Position,
}

impl<T> Located<T> {
    /// A value with no known position (built in code, not read from a file).
    pub fn unplaced(value: T) -> Self {
        Located {
            value,
            position: Position::default(),
        }
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

thread_local! {
    /// Whether the recipe being read is a render form (JSON written by [`Serialize`]) rather
    /// than a YAML file.
    static READING_FORM: Cell<bool> = const { Cell::new(false) };
}

/// Runs `read` with every [`Located`] read in the render form's shape, `[line, column, value]`
/// (a YAML file gives positions through the YAML reader instead).
pub(super) fn reading_form<R>(read: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            READING_FORM.set(self.0);
        }
    }
    let _reset = Reset(READING_FORM.replace(true));
    read()
}

/// In the render form a located value is `[line, column, value]`.
impl<T: Serialize> Serialize for Located<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.position.line, self.position.column, &self.value).serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if READING_FORM.get() {
            let (line, column, value) = <(usize, usize, T)>::deserialize(deserializer)?;
            return Ok(Located {
                value,
                position: Position { line, column },
            });
        }
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        let position = Position {
            line: spanned.referenced.line() as usize,
            column: spanned.referenced.column() as usize,
        };
        Ok(Located {
            value: spanned.value,
            position,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}
