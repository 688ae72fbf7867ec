//! In-process speed of the hot path: read a stored recipe (its render form, as `render`
//! does, or its YAML), resolve values, render.

use criterion::{Criterion, criterion_group, criterion_main};
use promptbook::render::targets::{Format, produce};
use promptbook::{Input, Recipe, render, resolve};

const BLOG: &str = include_str!("../recipes/blog-draft.yaml");

fn bench(c: &mut Criterion) {
    let given = vec![("topic".to_string(), Input::Text("remote onboarding".into()))];
    c.bench_function("parse blog-draft", |b| {
        b.iter(|| Recipe::parse(BLOG, "blog-draft.yaml").unwrap())
    });
    let recipe = Recipe::parse(BLOG, "blog-draft.yaml").unwrap();
    let form = recipe.render_form();
    c.bench_function("read render form blog-draft", |b| {
        b.iter(|| Recipe::from_render_form(Some(&form), BLOG, "blog-draft").unwrap())
    });
    c.bench_function("read YAML for render blog-draft", |b| {
        b.iter(|| Recipe::parse_for_render(BLOG, "blog-draft").unwrap())
    });
    c.bench_function("resolve+render blog-draft", |b| {
        b.iter(|| render(&recipe, &resolve(&recipe, &given).unwrap()).unwrap())
    });
    c.bench_function("read form+render+text blog-draft", |b| {
        b.iter(|| {
            let r = Recipe::from_render_form(Some(&form), BLOG, "blog-draft").unwrap();
            let p = render(&r, &resolve(&r, &given).unwrap()).unwrap();
            produce(&p, Format::Text, None, false, true).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
