//! Validates the rule and guidance data files and writes them into the library as Rust statics
//! of the library's own types (`$OUT_DIR/rules.rs`, `$OUT_DIR/guidance.rs`, pulled in with
//! `include!`): nothing is decoded at run time.
//!
//! A bad rule, a bad regex or a missing translation fails here, at build time, with the
//! file and rule named — never silently at run time in someone's browser.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::{env, fs, path::Path};

#[path = "src/model.rs"]
#[allow(dead_code)]
mod model;

#[path = "src/rules/schema.rs"]
#[allow(dead_code)]
mod rules_schema;

#[path = "src/guidance/schema.rs"]
#[allow(dead_code)]
mod guidance_schema;

use guidance_schema::{ActionText, MeaningText, Table, Texts};
use model::{Fault, ProviderKind, Situation, Step};
use rules_schema::{Field, IdRule, ProviderRules, RuleSet, Signal, Variant};

/// Writes a value as a constant expression of the library's type of the same name.
trait Bake {
    fn bake(&self, o: &mut String);
}

impl Bake for bool {
    fn bake(&self, o: &mut String) {
        o.push_str(if *self { "true" } else { "false" });
    }
}

impl Bake for u16 {
    fn bake(&self, o: &mut String) {
        let _ = write!(o, "{self}u16");
    }
}

impl Bake for f32 {
    /// `Debug` prints the shortest text that reads back as the same `f32` (validation made it finite).
    fn bake(&self, o: &mut String) {
        let _ = write!(o, "{self:?}f32");
    }
}

impl Bake for Cow<'static, str> {
    /// `Debug` of a `str` is a valid Rust string literal: quotes and backslashes escaped,
    /// control and invisible characters as `\u{…}`.
    fn bake(&self, o: &mut String) {
        let _ = write!(o, "::std::borrow::Cow::Borrowed({:?})", &**self);
    }
}

impl<T: Bake + Clone> Bake for Cow<'static, [T]> {
    fn bake(&self, o: &mut String) {
        o.push_str("::std::borrow::Cow::Borrowed(&[");
        for x in self.iter() {
            x.bake(o);
            o.push_str(",\n");
        }
        o.push_str("])");
    }
}

impl<T: Bake> Bake for Option<T> {
    fn bake(&self, o: &mut String) {
        match self {
            None => o.push_str("None"),
            Some(x) => {
                o.push_str("Some(");
                x.bake(o);
                o.push(')');
            }
        }
    }
}

impl<A: Bake, B: Bake> Bake for (A, B) {
    fn bake(&self, o: &mut String) {
        o.push('(');
        self.0.bake(o);
        o.push(',');
        self.1.bake(o);
        o.push(')');
    }
}

impl<V: Bake + Clone> Bake for Table<V> {
    fn bake(&self, o: &mut String) {
        o.push_str("crate::guidance::schema::Table(");
        self.0.bake(o);
        o.push(')');
    }
}

/// Unit-only enums, written as their variant's path.
macro_rules! bake_enums {
    ($($ty:ident => $path:literal),* $(,)?) => {$(
        impl Bake for $ty {
            fn bake(&self, o: &mut String) {
                let _ = write!(o, "{}::{self:?}", $path);
            }
        }
    )*};
}

bake_enums!(
    Fault => "crate::model::Fault",
    ProviderKind => "crate::model::ProviderKind",
    Situation => "crate::model::Situation",
    Field => "crate::rules::schema::Field",
);

/// Structs, written field by field. The fields are destructured without `..`: a field added to
/// a type and not listed here fails the build.
macro_rules! bake_structs {
    ($($ty:ident => $path:literal { $($f:ident),* $(,)? })*) => {$(
        impl Bake for $ty {
            fn bake(&self, o: &mut String) {
                let $ty { $($f),* } = self;
                o.push_str(concat!($path, " {"));
                $(
                    o.push_str(concat!(stringify!($f), ": "));
                    $f.bake(o);
                    o.push_str(",\n");
                )*
                o.push('}');
            }
        }
    )*};
}

bake_structs! {
    Signal => "crate::rules::schema::Signal" {
        field, name, contains, equals, present, regex, weight, required, veto, label, label_zh,
        status,
    }
    IdRule => "crate::rules::schema::IdRule" { kind, label, label_zh, header, regex, contains }
    Variant => "crate::rules::schema::Variant" {
        id, name, name_zh, fault, kind, status_page, status, min_score, error, situation, note,
        signals,
    }
    ProviderRules => "crate::rules::schema::ProviderRules" {
        id, name, name_zh, kind, status_page, statuspage, stack, min_score, signals, ids, variants,
    }
    RuleSet => "crate::rules::schema::RuleSet" { providers }
    Step => "crate::model::Step" { text, code, os, browser, stack }
    MeaningText => "crate::guidance::schema::MeaningText" { title, text }
    ActionText => "crate::guidance::schema::ActionText" { title, summary, owner, steps }
    Texts => "crate::guidance::schema::Texts" { lang, meaning, fault, verdict, note, action }
}

/// `static NAME: TYPE = value;` with a note saying where it came from.
fn static_item(o: &mut String, name: &str, ty: &str, from: &str, v: &impl Bake) {
    let _ = writeln!(
        o,
        "/// Generated by `build.rs` from `{from}`, validated there."
    );
    let _ = write!(o, "pub(crate) static {name}: {ty} = ");
    v.bake(o);
    o.push_str(";\n");
}

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=guidance");
    println!("cargo:rerun-if-changed=src/rules/schema.rs");
    println!("cargo:rerun-if-changed=src/guidance/schema.rs");
    println!("cargo:rerun-if-changed=src/model.rs");

    let mut files: Vec<_> = fs::read_dir("rules")
        .expect("crate/rules/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut set = RuleSet::default();
    for f in &files {
        let src = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let p: ProviderRules = toml::from_str(&src)
            .unwrap_or_else(|e| panic!("invalid rule file {}: {e}", f.display()));
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != p.id {
            panic!(
                "{}: file name must be the provider id ({})",
                f.display(),
                p.id
            );
        }
        set.providers.to_mut().push(p);
    }
    if let Err(e) = set.validate() {
        panic!("invalid rules: {e}");
    }
    let mut code = String::new();
    static_item(
        &mut code,
        "BUILTIN_RULES",
        "crate::rules::schema::RuleSet",
        "crate/rules/*.toml",
        &set,
    );
    fs::write(Path::new(&out).join("rules.rs"), code).expect("write rules.rs");

    let mut code = String::new();
    let mut shape: Option<(String, Vec<String>)> = None;
    for lang in guidance_schema::LANGS {
        let path = format!("guidance/{lang}.toml");
        let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let t: Texts =
            toml::from_str(&src).unwrap_or_else(|e| panic!("invalid guidance file {path}: {e}"));
        if t.lang != lang {
            panic!("{path}: lang must be {lang}");
        }
        guidance_schema::validate(&t, &guidance_schema::ACTION_IDS)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let keys = guidance_schema::key_paths(&t);
        match &shape {
            None => shape = Some((lang.to_string(), keys)),
            Some((first, k0)) => {
                if let Some(k) = k0.iter().find(|k| !keys.contains(k)) {
                    panic!("{path}: missing or different from {first}: {k}");
                }
                if let Some(k) = keys.iter().find(|k| !k0.contains(k)) {
                    panic!("{path}: has {k} which {first} lacks");
                }
            }
        }
        // `en` → `EN`, `zh-CN` → `ZH_CN`.
        let name = lang.to_ascii_uppercase().replace('-', "_");
        static_item(
            &mut code,
            &name,
            "crate::guidance::schema::Texts",
            &path,
            &t,
        );
    }
    let table = zh_tw_table(&set);
    static_item(
        &mut code,
        "ZH_TW_FORMS",
        "crate::guidance::schema::Table<crate::guidance::schema::Str>",
        "the rules' name_zh/label_zh and the code's Chinese literals, by zhconv (OpenCC zh-TW)",
        &table,
    );
    fs::write(Path::new(&out).join("guidance.rs"), code).expect("write guidance.rs");
}

/// Source files whose Chinese string literals (outside their tests) are Simplified texts shown
/// to people; `guidance::zh` looks each up in the table.
const ZH_SOURCES: [&str; 3] = [
    "src/engine/mod.rs",
    "src/advice.rs",
    "src/bin/gateway-doctor/report.rs",
];

/// Simplified → Traditional (Taiwan) forms of every Chinese string the rules and the code show
/// (the guidance texts have their own hand-written `zh-TW.toml`): the rules' `name_zh` and
/// `label_zh`, and the Chinese literals of `ZH_SOURCES`. Converted with OpenCC's zh-TW tables
/// (phrases and Taiwan vocabulary, not character by character) so no converter ships.
fn zh_tw_table(set: &RuleSet) -> Table<Cow<'static, str>> {
    let mut simplified: Vec<String> = Vec::new();
    for p in set.providers.iter() {
        simplified.extend(p.name_zh.iter().map(|s| s.to_string()));
        simplified.extend(
            p.signals
                .iter()
                .filter_map(|s| s.label_zh.as_deref())
                .map(str::to_string),
        );
        simplified.extend(
            p.ids
                .iter()
                .filter_map(|i| i.label_zh.as_deref())
                .map(str::to_string),
        );
        for v in p.variants.iter() {
            simplified.extend(v.name_zh.iter().map(|s| s.to_string()));
            simplified.extend(
                v.signals
                    .iter()
                    .filter_map(|s| s.label_zh.as_deref())
                    .map(str::to_string),
            );
        }
    }
    let literal = regex_lite::Regex::new(r#""((?:[^"\\]|\\.)*)""#).expect("regex");
    for f in ZH_SOURCES {
        println!("cargo:rerun-if-changed={f}");
        let src = fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        let code = src.split("#[cfg(test)]").next().unwrap_or("");
        for c in literal.captures_iter(code) {
            let s = &c[1];
            if s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                if s.contains('\\') {
                    panic!("{f}: a Chinese literal with an escape: {s:?}");
                }
                simplified.push(s.to_string());
            }
        }
    }
    simplified.sort();
    simplified.dedup();
    let entries: Vec<(Cow<'static, str>, Cow<'static, str>)> = simplified
        .into_iter()
        .map(|s| {
            let t = zhconv::zhconv(&s, zhconv::Variant::ZhTW);
            (Cow::Owned(s), Cow::Owned(t))
        })
        .collect();
    Table(Cow::Owned(entries))
}
