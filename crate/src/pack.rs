//! A small self-describing data tree, its compact binary form, and the readers built on it.
//!
//! Everything the engine reads is turned into a [`Value`] first:
//! - the rules and guidance baked by `build.rs`, stored in a compact binary form ([`decode`]);
//! - in wasm, objects handed over by JavaScript (`from_js`) and JSON answers parsed by the
//!   host's `JSON.parse` (natively, by serde_json: `from_json`).
//!
//! The wasm reads values by hand through [`Obj`]: a few small non-generic accessors instead of
//! serde's derived code, which cost tens of KB of wasm per group of types. The serde
//! `Deserializer` over a [`Value`] below is for native callers and for the tests that check
//! every hand-written reader against serde on the same data; nothing in the wasm uses it.
//! Errors name the field or the expected type but never format the unexpected value (that
//! would pull float formatting into the wasm).
//!
//! Binary form (written by `encode`, used by `build.rs`): one tag byte per value,
//! `0` null, `1` false, `2` true, `3` unsigned LEB128 integer, `4` negative integer (LEB128 of
//! its magnitude), `5` f32 (4 bytes LE), `6` f64 (8 bytes LE), `7` string (UTF-8 ending in a NUL
//! byte; strings hold no NUL), `8` sequence (LEB128 count, values), `9` map (LEB128 count, then
//! key and value in turn). A key is the LEB128 index of a key seen earlier in the same data, or
//! the next free index followed by the new key's NUL-terminated text: each field name is stored
//! once. NUL-terminated rather than length-prefixed strings gzip better: repeated texts stay
//! byte-identical runs.

use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

/// A JSON-like value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Seq(Vec<Value>),
    Map(Vec<(String, Value)>),
}

/// Why a value could not be read or deserialised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        // Deliberately not formatting `_msg`: see the module docs.
        Error("invalid value".into())
    }
    fn invalid_type(_unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Error(format!("invalid type, expected {exp}"))
    }
    fn invalid_value(_unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Error(format!("invalid value, expected {exp}"))
    }
    fn invalid_length(len: usize, _exp: &dyn de::Expected) -> Self {
        Error(format!("invalid length {len}"))
    }
    fn unknown_variant(variant: &str, _expected: &'static [&'static str]) -> Self {
        Error(format!("unknown variant `{variant}`"))
    }
    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        Error(format!("unknown field `{field}`"))
    }
    fn missing_field(field: &'static str) -> Self {
        Error(format!("missing field `{field}`"))
    }
    fn duplicate_field(field: &'static str) -> Self {
        Error(format!("duplicate field `{field}`"))
    }
}

/// Deserialises `T` from a value.
pub fn from_value<T: DeserializeOwned>(v: Value) -> Result<T, Error> {
    T::deserialize(v)
}

/// Deserialises `T` from the binary form.
pub fn from_bytes<T: DeserializeOwned>(b: &[u8]) -> Result<T, Error> {
    from_value(decode(b)?)
}

// --- binary form -------------------------------------------------------------------------------

/// Appends `n` in LEB128 (seven bits a byte, low bits first): the numbers of every baked form
/// (this one, and the regex programs and leads of `rules::pike` and `rules::leads`).
pub(crate) fn put_len(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Reads a number written by [`put_len`] at `*at`; `None` when the bytes end first or it runs
/// past 64 bits.
pub(crate) fn get_len(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let x = *b.get(*at)?;
        *at += 1;
        n |= u64::from(x & 0x7f) << shift;
        if x < 0x80 {
            return Some(n);
        }
    }
    None
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    assert!(!s.contains('\0'), "packed strings cannot hold NUL: {s:?}");
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

/// Writes `v` in the binary form. Integral numbers are stored as integers, others as f32 when
/// that is exact, else as f64.
pub fn encode(v: &Value, out: &mut Vec<u8>) {
    encode_with(v, out, &mut Vec::new());
}

fn encode_with<'a>(v: &'a Value, out: &mut Vec<u8>, keys: &mut Vec<&'a str>) {
    match v {
        Value::Null => out.push(0),
        Value::Bool(b) => out.push(1 + *b as u8),
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            out.push(if *n < 0.0 { 4 } else { 3 });
            put_len(out, n.abs() as u64);
        }
        Value::Num(n) if (*n as f32) as f64 == *n => {
            out.push(5);
            out.extend_from_slice(&(*n as f32).to_le_bytes());
        }
        Value::Num(n) => {
            out.push(6);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Str(s) => {
            out.push(7);
            put_str(out, s);
        }
        Value::Seq(items) => {
            out.push(8);
            put_len(out, items.len() as u64);
            for i in items {
                encode_with(i, out, keys);
            }
        }
        Value::Map(entries) => {
            out.push(9);
            put_len(out, entries.len() as u64);
            for (k, v) in entries {
                match keys.iter().position(|x| x == k) {
                    Some(i) => put_len(out, i as u64),
                    None => {
                        put_len(out, keys.len() as u64);
                        put_str(out, k);
                        keys.push(k);
                    }
                }
                encode_with(v, out, keys);
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    /// Map keys seen so far, by index.
    keys: Vec<String>,
}

fn truncated() -> Error {
    Error("truncated data".into())
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self.at.checked_add(n).ok_or_else(truncated)?;
        let s = self.b.get(self.at..end).ok_or_else(truncated)?;
        self.at = end;
        Ok(s)
    }
    fn byte(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    fn len(&mut self) -> Result<u64, Error> {
        get_len(self.b, &mut self.at).ok_or_else(|| match self.at >= self.b.len() {
            true => truncated(),
            false => Error("bad length".into()),
        })
    }
    fn count(&mut self) -> Result<usize, Error> {
        // Every item takes at least one byte: a larger count is corrupt data, not a reason to
        // reserve gigabytes.
        let n = self.len()?;
        if n > (self.b.len() - self.at) as u64 {
            return Err(truncated());
        }
        Ok(n as usize)
    }
    fn string(&mut self) -> Result<String, Error> {
        let rest = &self.b[self.at..];
        let n = rest.iter().position(|&c| c == 0).ok_or_else(truncated)?;
        self.at += n + 1;
        std::str::from_utf8(&rest[..n])
            .map(str::to_string)
            .map_err(|_| Error("bad UTF-8".into()))
    }
    fn value(&mut self, depth: u32) -> Result<Value, Error> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(match self.byte()? {
            0 => Value::Null,
            1 => Value::Bool(false),
            2 => Value::Bool(true),
            3 => Value::Num(self.len()? as f64),
            4 => Value::Num(-(self.len()? as f64)),
            5 => {
                let b = self.take(4)?;
                Value::Num(f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64)
            }
            6 => {
                let mut a = [0u8; 8];
                a.copy_from_slice(self.take(8)?);
                Value::Num(f64::from_le_bytes(a))
            }
            7 => Value::Str(self.string()?),
            8 => {
                let n = self.count()?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(self.value(depth + 1)?);
                }
                Value::Seq(v)
            }
            9 => {
                let n = self.count()?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    let i = self.len()?;
                    let k = match self.keys.get(i as usize) {
                        Some(k) => k.clone(),
                        None if i == self.keys.len() as u64 => {
                            let k = self.string()?;
                            self.keys.push(k.clone());
                            k
                        }
                        None => return Err(Error("bad key".into())),
                    };
                    v.push((k, self.value(depth + 1)?));
                }
                Value::Map(v)
            }
            _ => return Err(Error("bad tag".into())),
        })
    }
}

/// Deepest nesting accepted, from any source.
pub const MAX_DEPTH: u32 = 128;

fn too_deep() -> Error {
    Error("nested too deeply".into())
}

/// Reads one value in the binary form; the whole input must be that value.
pub fn decode(b: &[u8]) -> Result<Value, Error> {
    let mut r = Reader {
        b,
        at: 0,
        keys: Vec::new(),
    };
    let v = r.value(0)?;
    if r.at != b.len() {
        return Err(Error("trailing data".into()));
    }
    Ok(v)
}

/// Copies a `serde_json` tree into a [`Value`] (native only: the wasm parses JSON with the
/// host's `JSON.parse`).
#[cfg(not(target_arch = "wasm32"))]
pub fn from_json(v: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
        J::String(s) => Value::Str(s),
        J::Array(a) => Value::Seq(a.into_iter().map(from_json).collect()),
        J::Object(o) => Value::Map(o.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    }
}

// --- from JavaScript ---------------------------------------------------------------------------

/// Copies a JavaScript value (as `JSON.stringify` would see it: `undefined` members are left out)
/// into a [`Value`].
#[cfg(target_arch = "wasm32")]
pub fn from_js(v: &wasm_bindgen::JsValue) -> Result<Value, Error> {
    from_js_at(v, 0)
}

#[cfg(target_arch = "wasm32")]
fn from_js_at(v: &wasm_bindgen::JsValue, depth: u32) -> Result<Value, Error> {
    use wasm_bindgen::JsCast;
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        return Ok(Value::Num(n));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::Str(s));
    }
    if js_sys::Array::is_array(v) {
        let a: &js_sys::Array = v.unchecked_ref();
        let mut out = Vec::with_capacity(a.length() as usize);
        for i in 0..a.length() {
            out.push(from_js_at(&a.get(i), depth + 1)?);
        }
        return Ok(Value::Seq(out));
    }
    if v.is_object() && !v.is_function() {
        let obj: &js_sys::Object = v.unchecked_ref();
        let keys = js_sys::Object::keys(obj);
        let mut out = Vec::with_capacity(keys.length() as usize);
        for i in 0..keys.length() {
            let k = keys.get(i);
            let item = js_sys::Reflect::get(v, &k).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
            if item.is_undefined() {
                continue;
            }
            out.push((
                k.as_string().unwrap_or_default(),
                from_js_at(&item, depth + 1)?,
            ));
        }
        return Ok(Value::Map(out));
    }
    Err(Error("not a JSON value".into()))
}

// --- hand-written readers ---------------------------------------------------------------------

/// The fields of one map value, for hand-written readers: no generic code per type, so reading
/// the rules, the guidance and JavaScript's objects costs a few small functions, not one serde
/// instantiation per type. Absent fields and `null` read as missing; unknown fields are ignored
/// (`build.rs` refuses them in the data files).
///
/// The accessors never fail: a missing or mistyped field reads as a default and the first such
/// error is kept, to be returned by [`Obj::done`] once the value is built. That keeps the
/// readers free of an early return (and its clean-up code) after every field.
#[derive(Default)]
pub struct Obj {
    fields: Vec<(String, Value)>,
    err: Option<Error>,
}

impl Value {
    /// The fields of a map; `null` is an empty map; anything else is an error kept in the `Obj`.
    pub fn into_obj(self) -> Obj {
        match self {
            Value::Map(fields) => Obj { fields, err: None },
            Value::Null => Obj::default(),
            _ => Obj {
                fields: Vec::new(),
                err: Some(expected("a map")),
            },
        }
    }
    /// A string, or `None` for anything else.
    pub fn into_str(self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// A number, or `None` for anything else.
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }
}

impl Obj {
    /// Takes field `k` out; `None` when absent or `null`.
    #[inline(never)]
    pub fn take(&mut self, k: &str) -> Option<Value> {
        let i = self.fields.iter().position(|(key, _)| key == k)?;
        match self.fields.swap_remove(i).1 {
            Value::Null => None,
            v => Some(v),
        }
    }
    /// Records an error (the first one wins).
    #[cold]
    #[inline(never)]
    pub fn fail(&mut self, k: &str, what: &str) {
        if self.err.is_none() {
            self.err = Some(Error(format!("field `{k}`: {what}")));
        }
    }
    /// Adopts the error of a nested reader, if any.
    pub fn merge(&mut self, inner: Obj) {
        if self.err.is_none() {
            self.err = inner.err;
        }
    }
    /// `v` if no field failed, else the first error.
    pub fn done<T>(self, v: T) -> Result<T, Error> {
        match self.err {
            None => Ok(v),
            Some(e) => Err(e),
        }
    }
    /// The remaining fields, in order, and the error so far.
    pub fn into_parts(self) -> (Vec<(String, Value)>, Option<Error>) {
        (self.fields, self.err)
    }
    #[inline(never)]
    pub fn opt_str(&mut self, k: &str) -> Option<String> {
        match self.take(k) {
            None => None,
            Some(Value::Str(s)) => Some(s),
            Some(_) => {
                self.fail(k, "expected a string");
                None
            }
        }
    }
    /// Records that required field `k` is missing.
    #[cold]
    #[inline(never)]
    pub fn missing(&mut self, k: &str) {
        if self.err.is_none() {
            self.err = Some(Error(format!("missing field `{k}`")));
        }
    }
    #[inline(never)]
    pub fn str(&mut self, k: &str) -> String {
        self.opt_str(k).unwrap_or_else(|| {
            self.missing(k);
            String::new()
        })
    }
    /// Required map `k`.
    pub fn req_obj(&mut self, k: &str) -> Obj {
        match self.take(k) {
            Some(v) => v.into_obj(),
            None => {
                self.missing(k);
                Obj::default()
            }
        }
    }
    /// Required unsigned integer `k`.
    pub fn uint(&mut self, k: &str, max: f64) -> f64 {
        self.opt_uint(k, max).unwrap_or_else(|| {
            self.missing(k);
            0.0
        })
    }
    #[inline(never)]
    pub fn opt_num(&mut self, k: &str) -> Option<f64> {
        match self.take(k) {
            None => None,
            Some(Value::Num(n)) => Some(n),
            Some(_) => {
                self.fail(k, "expected a number");
                None
            }
        }
    }
    /// An unsigned integer no larger than `max`.
    #[inline(never)]
    pub fn opt_uint(&mut self, k: &str, max: f64) -> Option<f64> {
        match self.opt_num(k) {
            Some(n) if !(n.fract() == 0.0 && (0.0..=max).contains(&n)) => {
                self.fail(k, "expected an unsigned integer");
                None
            }
            n => n,
        }
    }
    pub fn opt_u16(&mut self, k: &str) -> Option<u16> {
        self.opt_uint(k, 65535.0).map(|n| n as u16)
    }
    pub fn opt_u32(&mut self, k: &str) -> Option<u32> {
        self.opt_uint(k, u32::MAX as f64).map(|n| n as u32)
    }
    pub fn f32_or(&mut self, k: &str, default: f32) -> f32 {
        self.opt_num(k).map_or(default, |n| n as f32)
    }
    #[inline(never)]
    pub fn opt_bool(&mut self, k: &str) -> Option<bool> {
        match self.take(k) {
            None => None,
            Some(Value::Bool(b)) => Some(b),
            Some(_) => {
                self.fail(k, "expected a boolean");
                None
            }
        }
    }
    pub fn bool_or(&mut self, k: &str, default: bool) -> bool {
        self.opt_bool(k).unwrap_or(default)
    }
    /// A sequence; absent is empty.
    #[inline(never)]
    pub fn seq(&mut self, k: &str) -> Vec<Value> {
        match self.take(k) {
            None => Vec::new(),
            Some(Value::Seq(v)) => v,
            Some(_) => {
                self.fail(k, "expected a sequence");
                Vec::new()
            }
        }
    }
    /// A map; absent is empty.
    pub fn obj(&mut self, k: &str) -> Obj {
        self.take(k).map_or_else(Obj::default, Value::into_obj)
    }
    /// Reads each item of sequence `k` as a map with `f`.
    pub fn each<T>(&mut self, k: &str, f: fn(&mut Obj) -> T) -> Vec<T> {
        let items = self.seq(k);
        let mut out = Vec::with_capacity(items.len());
        for v in items {
            let mut o = v.into_obj();
            out.push(f(&mut o));
            self.merge(o);
        }
        out
    }
    /// A list of status codes.
    #[inline(never)]
    pub fn u16s(&mut self, k: &str) -> Vec<u16> {
        let items = self.seq(k);
        let mut out = Vec::with_capacity(items.len());
        for v in items {
            match v.as_num() {
                Some(n) if n.fract() == 0.0 && (0.0..=65535.0).contains(&n) => out.push(n as u16),
                _ => self.fail(k, "expected status codes"),
            }
        }
        out
    }
    /// Map `k` of strings, its entries in stored order (the guidance's tables).
    #[inline(never)]
    pub fn str_map(&mut self, k: &str) -> Vec<(String, String)> {
        let (fields, err) = self.obj(k).into_parts();
        if let Some(e) = err {
            self.err.get_or_insert(e);
        }
        let mut out = Vec::with_capacity(fields.len());
        for (key, v) in fields {
            match v.into_str() {
                Some(s) => out.push((key, s)),
                None => self.fail(k, "expected strings"),
            }
        }
        out
    }
    /// Map `k` of maps, each read with `f`, its entries in stored order.
    pub fn table<T>(&mut self, k: &str, f: fn(&mut Obj) -> T) -> Vec<(String, T)> {
        let (fields, err) = self.obj(k).into_parts();
        if let Some(e) = err {
            self.err.get_or_insert(e);
        }
        let mut out = Vec::with_capacity(fields.len());
        for (key, v) in fields {
            let mut o = v.into_obj();
            out.push((key, f(&mut o)));
            self.merge(o);
        }
        out
    }
}

// --- the deserializer --------------------------------------------------------------------------

/// A type mismatch. Not generic, and no visitor is asked to describe itself: each visitor's
/// error paths would otherwise be compiled into the wasm once per type.
#[cold]
fn expected(what: &str) -> Error {
    Error(format!("invalid type, expected {what}"))
}

impl Value {
    fn num(self) -> Result<f64, Error> {
        match self {
            Value::Num(n) => Ok(n),
            _ => Err(expected("a number")),
        }
    }
    fn uint(self) -> Result<u64, Error> {
        match self.num()? {
            n if n.fract() == 0.0 && (0.0..1.8e19).contains(&n) => Ok(n as u64),
            _ => Err(expected("an unsigned integer")),
        }
    }
    fn int(self) -> Result<i64, Error> {
        match self.num()? {
            n if n.fract() == 0.0 && (-9.2e18..9.2e18).contains(&n) => Ok(n as i64),
            _ => Err(expected("an integer")),
        }
    }
    fn string(self) -> Result<String, Error> {
        match self {
            Value::Str(s) => Ok(s),
            _ => Err(expected("a string")),
        }
    }
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Num(n) if n.fract() == 0.0 && (0.0..1.8e19).contains(&n) => {
                visitor.visit_u64(n as u64)
            }
            Value::Num(n) if n.fract() == 0.0 && n >= -9.2e18 => visitor.visit_i64(n as i64),
            Value::Num(n) => visitor.visit_f64(n),
            Value::Str(s) => visitor.visit_string(s),
            v @ Value::Seq(_) => v.deserialize_seq(visitor),
            v @ Value::Map(_) => v.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Bool(b) => visitor.visit_bool(b),
            _ => Err(expected("a boolean")),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(self.uint()?)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(self.uint()?)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(self.uint()?)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(self.uint()?)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i64(self.int()?)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i64(self.int()?)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i64(self.int()?)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i64(self.int()?)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f64(self.num()?)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f64(self.num()?)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.string()?)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.string()?)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.string()?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Null => visitor.visit_none(),
            v => visitor.visit_some(v),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Value::Seq(v) = self else {
            return Err(expected("an array"));
        };
        let mut it = v.into_iter();
        let r = visitor.visit_seq(Seq(&mut it))?;
        match it.len() {
            0 => Ok(r),
            _ => Err(expected("a shorter array")),
        }
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Value::Map(m) = self else {
            return Err(expected("an object"));
        };
        visitor.visit_map(Map {
            it: m.into_iter(),
            value: None,
        })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.string()?.into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf unit unit_struct tuple_struct
    }
}

struct Seq<'a>(&'a mut std::vec::IntoIter<Value>);

impl<'de> de::SeqAccess<'de> for Seq<'_> {
    type Error = Error;
    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(v)).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map {
    it: std::vec::IntoIter<(String, Value)>,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for Map {
    type Error = Error;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.it.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(Value::Str(k)).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(self.value.take().unwrap_or(Value::Null))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.it.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(v: Value) {
        let mut b = Vec::new();
        encode(&v, &mut b);
        assert_eq!(decode(&b).unwrap(), v);
    }

    #[test]
    fn binary_roundtrips() {
        roundtrip(Value::Map(vec![
            ("a".into(), Value::Num(1.5)),
            ("b".into(), Value::Num(-3.0)),
            ("c".into(), Value::Num(0.1)),
            ("d".into(), Value::Num(1e300)),
            ("e".into(), Value::Num(600.0)),
            (
                "f".into(),
                Value::Seq(vec![Value::Null, Value::Bool(true), Value::Str("ü".into())]),
            ),
            (
                "g".into(),
                Value::Seq(vec![
                    Value::Map(vec![("a".into(), Value::Null), ("h".into(), Value::Null)]),
                    Value::Map(vec![("h".into(), Value::Null), ("f".into(), Value::Null)]),
                ]),
            ),
        ]));
    }

    #[test]
    fn corrupt_data_is_an_error() {
        assert!(decode(&[]).is_err());
        assert!(decode(&[7, b'a']).is_err());
        assert!(decode(&[7, 0xff, 0]).is_err());
        assert!(decode(&[8, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(decode(&[0, 0]).is_err());
        assert!(decode(&[42]).is_err());
        assert!(decode(&[8u8, 1].repeat(1000)).is_err());
        // A key index beyond the keys seen so far.
        assert!(decode(&[9, 1, 1, b'a', 0, 0]).is_err());
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    enum E {
        #[serde(rename = "x-y")]
        XY,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct S {
        a: u16,
        b: Option<String>,
        #[serde(default)]
        c: Vec<f32>,
        e: E,
        n: Option<u64>,
    }

    #[test]
    fn deserialises_structs() {
        let v = Value::Map(vec![
            ("a".into(), Value::Num(502.0)),
            ("b".into(), Value::Null),
            ("e".into(), Value::Str("x-y".into())),
            ("n".into(), Value::Num(7.0)),
            ("z".into(), Value::Str("ignored".into())),
        ]);
        let s: S = from_value(v).unwrap();
        assert_eq!(
            s,
            S {
                a: 502,
                b: None,
                c: vec![],
                e: E::XY,
                n: Some(7)
            }
        );
        let e = from_value::<S>(Value::Map(vec![])).unwrap_err();
        assert_eq!(e.0, "missing field `a`");
        let e = from_value::<S>(Value::Map(vec![("a".into(), Value::Num(1e6))])).unwrap_err();
        assert!(e.0.starts_with("invalid value"), "{e}");
    }
}
