//! Engine benchmarks (criterion): the classifier over the whole fixture corpus and over large
//! pages of 100 KB, 1 MB and 50 MB in two shapes: `large/` is the corpus's error pages one after
//! another (every vendor's words everywhere: the worst case for the rule scan), `ordinary/` is
//! one error page (Cloudflare's 502) whose template carries that much ordinary markup between
//! its head and its body (a branded error page with a big inline bundle). Two references are
//! measured in the same run:
//!
//! - the floor: one `memchr::memmem` pass over the same bytes (nothing can read them faster),
//!   over the whole input and over the bounded prefix the engine actually reads (`page::MAX_HTML`);
//! - a naive baseline: the same rules evaluated as fingerprinting tools commonly do, one
//!   `regex::Regex` per rule (its own regex, else its escaped literal), each scanned over the
//!   whole lower-cased text and headers. It uses the `regex` crate, whose literal optimisations
//!   (SIMD memmem) make each literal-only rule a fast substring search.
//!
//! `tests/bench.sh` runs this and prints the ratios from criterion's estimates. After criterion,
//! the binary times every corpus page on its own and writes the per-page median to
//! `target/bench/native.json`, and the inputs to `target/bench/corpus-inputs.json`, for the wasm
//! run and its wasm / native ratio.
//!
//! Timing lives here only; tests assert bounded sizes instead.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use gateway_doctor::page::MAX_HTML;
use gateway_doctor::rules::schema::Field;
use gateway_doctor::{diagnose, http, PageInput};

#[path = "../tests/common/fixture_files.rs"]
mod fixture_files;

/// Every fixture input (`.http` parsed, `.input.json` read), with its name.
fn corpus() -> Vec<(String, PageInput)> {
    let files = fixture_files::files_ending(&fixture_files::corpus_dir("fixtures"), "");
    let mut out = Vec::new();
    for f in files {
        let name = f.to_string_lossy().to_string();
        let input = if name.ends_with(".http") {
            std::fs::read(&f)
                .ok()
                .and_then(|b| http::parse_response(&b).ok())
        } else if name.ends_with(".input.json") {
            std::fs::read_to_string(&f)
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
        } else {
            None
        };
        if let Some(i) = input {
            out.push((name, i));
        }
    }
    out
}

/// Realistic HTML of `n` bytes: the corpus's own HTML bodies, one after another, repeated.
fn big_html(pages: &[(String, PageInput)], n: usize) -> String {
    let bodies: Vec<&str> = pages
        .iter()
        .filter_map(|(_, p)| p.html.as_deref())
        .collect();
    let mut s = String::with_capacity(n + 64 * 1024);
    'fill: loop {
        for b in &bodies {
            if s.len() >= n {
                break 'fill;
            }
            s.push_str(b);
            s.push('\n');
        }
    }
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

/// One vendor error page (Cloudflare's own 502) grown to `n` bytes with ordinary markup between
/// its head and its body, so the vendor's words sit at both ends like in a real template.
fn ordinary_html(pages: &[(String, PageInput)], n: usize) -> String {
    let page = pages
        .iter()
        .find(|(name, _)| name.contains("cloudflare-error-502"))
        .or(pages.first())
        .and_then(|(_, p)| p.html.clone())
        .unwrap_or_default();
    let cut = page.find("<body").unwrap_or(0);
    let (head, body) = page.split_at(cut);
    let mut s = String::with_capacity(n + page.len() + 512);
    s.push_str(head);
    let mut i = 0u32;
    while s.len() + body.len() < n {
        // Cards of a listing and a slice of inline script data: the bulk of an ordinary page.
        s.push_str(&format!(
            "<div class=\"card c{m}\"><h3>Item {i}</h3><p>Lorem ipsum dolor sit amet, \
             consectetur adipiscing elit, sed do eiusmod tempor {i}.</p><a href=\"/item/{i}\">More</a></div>\n\
             <script>window.__data.push({{\"id\":{i},\"tags\":[\"a\",\"b\"],\"w\":{w}}});</script>\n",
            m = i % 7,
            w = i.wrapping_mul(2654435761) % 1000,
        ));
        i += 1;
    }
    s.push_str(body);
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    // Keep the body (the error itself) whole: cut the filler, not the end.
    if s.len() > n {
        let over = s.len() - n;
        let at = head.len();
        let mut stop = (at + over).min(s.len());
        while !s.is_char_boundary(stop) {
            stop += 1;
        }
        s.replace_range(at..stop, "");
    }
    s
}

/// The naive baseline: one compiled regex per rule literal, run over the whole lower-cased input.
struct Naive {
    body: Vec<regex::Regex>,
    header: Vec<regex::Regex>,
}

impl Naive {
    fn new() -> Naive {
        let rules = gateway_doctor::rules::builtin().expect("rules");
        let mut body = Vec::new();
        let mut header = Vec::new();
        for p in rules.rules.providers.iter() {
            let sigs = p
                .signals
                .iter()
                .chain(p.variants.iter().flat_map(|v| v.signals.iter()));
            for s in sigs {
                // The rule's own regex when it has one, else its literal, escaped.
                let lit = s.contains.as_deref().or(s.equals.as_deref());
                let pat = match (&s.regex, lit) {
                    (Some(r), _) => r.to_string(),
                    (None, Some(l)) => regex::escape(&l.to_lowercase()),
                    (None, None) => continue,
                };
                let re = regex::Regex::new(&pat).expect("regex");
                match s.field {
                    Field::Header => header.push(re),
                    _ => body.push(re),
                }
            }
            for id in p.ids.iter() {
                if let Some(r) = &id.regex {
                    body.push(regex::Regex::new(r).expect("regex"));
                }
            }
        }
        Naive { body, header }
    }

    /// How many rules matched (returned so the work is not optimised away).
    fn run(&self, input: &PageInput) -> usize {
        let text = input
            .html
            .as_deref()
            .or(input.text.as_deref())
            .unwrap_or("")
            .to_lowercase();
        let heads: String = input
            .headers
            .iter()
            .map(|h| format!("{}: {}\n", h.name, h.value))
            .collect::<String>()
            .to_lowercase();
        self.body.iter().filter(|r| r.is_match(&text)).count()
            + self.header.iter().filter(|r| r.is_match(&heads)).count()
    }
}

/// One pass over the bytes for a needle that is not there: the floor for reading them at all.
fn floor(bytes: &[u8], finder: &memchr::memmem::Finder) -> Option<usize> {
    finder.find(bytes)
}

fn bench_corpus(c: &mut Criterion, pages: &[(String, PageInput)], naive: &Naive) {
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(pages.len() as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            for (_, p) in pages {
                black_box(diagnose(black_box(p)).map(|d| d.is_error).ok());
            }
        })
    });
    g.bench_function("naive", |b| {
        b.iter(|| {
            for (_, p) in pages {
                black_box(naive.run(black_box(p)));
            }
        })
    });
    let finder = memchr::memmem::Finder::new(b"\x00gateway-doctor-absent\x00");
    g.bench_function("floor", |b| {
        b.iter(|| {
            for (_, p) in pages {
                let body = p.html.as_deref().or(p.text.as_deref()).unwrap_or("");
                black_box(floor(black_box(body.as_bytes()), &finder));
            }
        })
    });
    g.finish();
}

fn bench_large(c: &mut Criterion, pages: &[(String, PageInput)], naive: &Naive) {
    let finder = memchr::memmem::Finder::new(b"\x00gateway-doctor-absent\x00");
    let headers = pages
        .iter()
        .find(|(n, _)| n.contains("cloudflare"))
        .map(|(_, p)| p.headers.clone())
        .unwrap_or_default();
    type Shape = fn(&[(String, PageInput)], usize) -> String;
    let shapes: [(&str, Shape); 2] = [("large", big_html), ("ordinary", ordinary_html)];
    for ((label, size), (shape, make)) in [
        ("100KB", 100 * 1024),
        ("1MB", 1024 * 1024),
        ("50MB", 50 * 1024 * 1024),
    ]
    .into_iter()
    .flat_map(|l| shapes.iter().map(move |s| (l, *s)))
    {
        let html = make(pages, size);
        let input = PageInput {
            status: Some(502),
            headers: headers.clone(),
            html: Some(html),
            url: Some("https://example.com/".into()),
            ..Default::default()
        };
        let bytes = input.html.as_deref().unwrap_or("").as_bytes();
        let prefix = &bytes[..bytes.len().min(MAX_HTML)];
        let prefix_input = PageInput {
            html: Some(String::from_utf8_lossy(prefix).into_owned()),
            ..input.clone()
        };
        let mut g = c.benchmark_group(format!("{shape}/{label}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        if size > 10 * 1024 * 1024 {
            g.sample_size(10);
            g.measurement_time(Duration::from_secs(8));
        }
        g.bench_function("ours", |b| {
            b.iter(|| black_box(diagnose(black_box(&input)).map(|d| d.is_error).ok()))
        });
        g.bench_function("floor", |b| {
            b.iter(|| black_box(floor(black_box(bytes), &finder)))
        });
        g.bench_function("floor-prefix", |b| {
            b.iter(|| black_box(floor(black_box(prefix), &finder)))
        });
        g.bench_function("naive", |b| {
            b.iter(|| black_box(naive.run(black_box(&input))))
        });
        g.bench_function(BenchmarkId::new("naive-prefix", MAX_HTML), |b| {
            b.iter(|| black_box(naive.run(black_box(&prefix_input))))
        });
        g.finish();
    }
}

/// Times each corpus page on its own (median of repeated runs) and writes the median over pages.
fn per_page(pages: &[(String, PageInput)]) {
    let mut per: Vec<(f64, &str)> = pages
        .iter()
        .map(|(name, p)| {
            let _ = diagnose(p);
            let mut runs: Vec<f64> = (0..15)
                .map(|_| {
                    // Enough repetitions per run to be well above the clock's resolution.
                    let t = Instant::now();
                    for _ in 0..20 {
                        black_box(diagnose(black_box(p)).map(|d| d.is_error).ok());
                    }
                    t.elapsed().as_secs_f64() / 20.0
                })
                .collect();
            runs.sort_by(f64::total_cmp);
            (runs[runs.len() / 2], name.as_str())
        })
        .collect();
    per.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = per[per.len() / 2].0;
    let p90 = per[per.len() * 9 / 10].0;
    let max = per[per.len() - 1];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let json = serde_json::json!({
        "pages": per.len(),
        "median_us": median * 1e6,
        "p90_us": p90 * 1e6,
        "max_us": max.0 * 1e6,
        "max_page": max.1,
    });
    let _ = std::fs::write(dir.join("native.json"), json.to_string());
    // The same inputs for the wasm run (tests/bench-wasm.mjs), so both time identical pages.
    let inputs: Vec<&PageInput> = pages.iter().map(|(_, p)| p).collect();
    if let Ok(j) = serde_json::to_string(&inputs) {
        let _ = std::fs::write(dir.join("corpus-inputs.json"), j);
    }
    println!(
        "native per-page classify time over {} corpus pages: median {:.1} µs, p90 {:.1} µs, max {:.1} µs ({})",
        per.len(),
        median * 1e6,
        p90 * 1e6,
        max.0 * 1e6,
        max.1
    );
}

/// `GD_BENCH_MIN=1`: a quick A/B mode for a busy machine. The minimum over many runs is what
/// the code costs when nothing else interferes; criterion's medians move with the load.
/// `GD_BENCH_ONLY="ordinary 1MB"` (a label it prints, or `corpus`) times that alone, for
/// `perf record`; `page:NAME` the corpus pages whose file name contains NAME. `GD_BENCH_PAGES=1`
/// also lists the slowest and fastest corpus pages.
fn min_mode(pages: &[(String, PageInput)]) {
    let time = |f: &mut dyn FnMut()| {
        let mut best = f64::MAX;
        for _ in 0..200 {
            let t = Instant::now();
            f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        best
    };
    let only_var = std::env::var("GD_BENCH_ONLY").unwrap_or_default();
    // `page:NAME`: the corpus pages whose file name contains NAME, alone.
    let pick = only_var.strip_prefix("page:");
    let only = !only_var.is_empty() && only_var != "corpus" && pick.is_none();
    let corpus = time(&mut || {
        if only {
            return;
        }
        for (name, p) in pages {
            if pick.is_some_and(|n| !name.contains(n)) {
                continue;
            }
            black_box(diagnose(black_box(p)).map(|d| d.is_error).ok());
        }
    });
    print!("min: corpus {:.0} µs", corpus * 1e6);
    if std::env::var_os("GD_BENCH_PAGES").is_some() {
        // The slowest pages on their own: where the corpus total goes.
        let mut per: Vec<(f64, &str)> = pages
            .iter()
            .map(|(name, p)| {
                let t = time(&mut || {
                    black_box(diagnose(black_box(p)).map(|d| d.is_error).ok());
                });
                (t, name.as_str())
            })
            .collect();
        per.sort_by(|a, b| b.0.total_cmp(&a.0));
        let total: f64 = per.iter().map(|p| p.0).sum();
        println!(
            " (sum of per-page minima {:.0} µs); slowest, then fastest:",
            total * 1e6
        );
        for (t, name) in per.iter().take(15).chain(per.iter().rev().take(3)) {
            println!("  {:7.1} µs  {name}", t * 1e6);
        }
    }
    let headers = pages
        .iter()
        .find(|(n, _)| n.contains("cloudflare"))
        .map(|(_, p)| p.headers.clone())
        .unwrap_or_default();
    type Shape = fn(&[(String, PageInput)], usize) -> String;
    let sizes = [("100KB", 100 * 1024), ("1MB", 1024 * 1024)];
    let shapes: [(&str, Shape); 2] = [("", big_html), ("ordinary ", ordinary_html)];
    for ((shape, make), (label, size)) in shapes
        .iter()
        .flat_map(|s| sizes.iter().map(move |l| (*s, *l)))
    {
        let label = format!("{shape}{label}");
        if std::env::var("GD_BENCH_ONLY").is_ok_and(|o| o != label) {
            continue;
        }
        let input = PageInput {
            status: Some(502),
            headers: headers.clone(),
            html: Some(make(pages, size)),
            url: Some("https://example.com/".into()),
            ..Default::default()
        };
        let t = time(&mut || {
            black_box(diagnose(black_box(&input)).map(|d| d.is_error).ok());
        });
        print!(", {label} {:.1} µs", t * 1e6);
    }
    println!();
}

fn main() {
    let pages = corpus();
    assert!(!pages.is_empty(), "no fixtures found");
    if std::env::var_os("GD_BENCH_MIN").is_some() {
        let _ = diagnose(&pages[0].1);
        min_mode(&pages);
        return;
    }
    // `GD_BENCH_PER_PAGE=1`: the per-page pass alone (an A/B of the headline figure).
    if std::env::var_os("GD_BENCH_PER_PAGE").is_some() {
        let _ = diagnose(&pages[0].1);
        per_page(&pages);
        return;
    }
    let naive = Naive::new();
    // Warm the rules once so no benchmark pays for compiling them.
    let _ = diagnose(&pages[0].1);
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_corpus(&mut c, &pages, &naive);
    bench_large(&mut c, &pages, &naive);
    c.final_summary();
    // `cargo bench -- FILTER` only runs what matches; the per-page pass runs on a full run.
    let filtered = std::env::args().skip(1).any(|a| !a.starts_with('-'));
    if !filtered {
        per_page(&pages);
    }
}
