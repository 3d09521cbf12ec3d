//! Parameters, column conversions and storage errors, independent of the backend.

/// One SQL parameter. Borrowed, so passing a string or a blob copies nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value<'_> {
    fn from(v: i32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<u32> for Value<'_> {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<u16> for Value<'_> {
    fn from(v: u16) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<u8> for Value<'_> {
    fn from(v: u8) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}
impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(v.as_str())
    }
}
impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(v: &'a [u8]) -> Self {
        Value::Blob(v)
    }
}
impl<'a, const N: usize> From<&'a [u8; N]> for Value<'a> {
    fn from(v: &'a [u8; N]) -> Self {
        Value::Blob(v)
    }
}
impl<'a> From<&'a Vec<u8>> for Value<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Value::Blob(v.as_slice())
    }
}
impl<'a, T> From<Option<T>> for Value<'a>
where
    T: Into<Value<'a>>,
{
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
/// A column as the backend returned it, before conversion.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// A Rust type a column can be read as.
pub trait FromColumn: Sized {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError>;
}

fn mismatch(want: &str, c: Column<'_>) -> StoreError {
    let got = match c {
        Column::Null => "NULL",
        Column::Int(_) => "an integer",
        Column::Text(_) => "text",
        Column::Blob(_) => "a blob",
    };
    StoreError::new(StoreErrorKind::Decode, format!("expected {want}, found {got}"))
}

impl FromColumn for i64 {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
        match c {
            Column::Int(v) => Ok(v),
            other => Err(mismatch("an integer", other)),
        }
    }
}

macro_rules! int_column {
    ($($t:ty),*) => {$(
        impl FromColumn for $t {
            fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
                let v = i64::from_column(c)?;
                <$t>::try_from(v).map_err(|_| {
                    StoreError::new(StoreErrorKind::Decode, format!("{v} is out of range for {}", stringify!($t)))
                })
            }
        }
    )*};
}
int_column!(i32, u32, u16, u8, u64, usize);

impl FromColumn for bool {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
        Ok(i64::from_column(c)? != 0)
    }
}

impl FromColumn for String {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
        match c {
            Column::Text(s) => Ok(s.to_string()),
            other => Err(mismatch("text", other)),
        }
    }
}

impl FromColumn for Vec<u8> {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
        match c {
            Column::Blob(b) => Ok(b.to_vec()),
            other => Err(mismatch("a blob", other)),
        }
    }
}

impl<T: FromColumn> FromColumn for Option<T> {
    fn from_column(c: Column<'_>) -> Result<Self, StoreError> {
        match c {
            Column::Null => Ok(None),
            other => T::from_column(other).map(Some),
        }
    }
}

/// What kind of storage failure happened, for the few callers that react to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// A UNIQUE, PRIMARY KEY, CHECK or FOREIGN KEY constraint refused the write.
    Constraint,
    /// The disk (or the database's quota) is full: nothing was written.
    Full,
    /// Another connection holds the lock for longer than the busy timeout.
    Busy,
    /// A column could not be read as the asked type (a bug or a damaged row).
    Decode,
    /// Anything else the backend reported.
    Other,
}

/// A storage failure. The message names what failed; the backend's own error is kept as the source.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    kind: StoreErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> StoreError {
        StoreError { kind, message: message.into(), source: None }
    }
    pub(crate) fn with_source(
        kind: StoreErrorKind,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> StoreError {
        StoreError { kind, message: message.into(), source: Some(Box::new(source)) }
    }
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }
    /// A UNIQUE / PRIMARY KEY conflict or another constraint refused the write.
    pub fn is_constraint(&self) -> bool {
        self.kind == StoreErrorKind::Constraint
    }
}
