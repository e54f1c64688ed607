//! WCAG 2.1 AA contrast of the console's stylesheet, checked on the colours it actually
//! declares: every text colour on every surface text sits on at least 4.5:1 (success
//! criterion 1.4.3), and borders of form fields, focus rings and chart marks at least 3:1
//! against what is next to them (1.4.11). Change a colour in `static/style.css` so that a pair
//! falls short and this fails.

/// The stylesheet's rules: (selector, declarations). An at-rule's first inner rule is skipped
/// with its head; the rules after it inside an `@media` block are read as if top-level. Here
/// those only change sizes and layout, and [`colour`] takes a property from the last rule that
/// sets it: a colour set inside `@media` would be checked as if always in force.
fn rules(css: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let selector = rest[..open].trim();
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let body = &rest[open + 1..open + close];
        if selector.starts_with('@') || body.contains('{') {
            // An at-rule: skip to the end of its first inner rule; the others parse as rules.
            rest = &rest[open + close + 1..];
            continue;
        }
        // What precedes the selector on its line: a comment, or the end of an at-rule.
        let selector = selector.rsplit("*/").next().unwrap_or(selector);
        let selector = selector
            .rsplit('}')
            .next()
            .unwrap_or(selector)
            .trim()
            .to_owned();
        out.push((selector, body.to_owned()));
        rest = &rest[open + close + 1..];
    }
    out
}

/// The colour `property` of the last rule for exactly `selector` (one of its comma-separated
/// selectors) that sets it, as the cascade takes it; `var(--x)` resolved; the colour token of
/// a shorthand (`border`, `outline`).
fn colour(css: &str, selector: &str, property: &str) -> String {
    let rules = rules(css);
    let found = rules
        .iter()
        .rev()
        .filter(|(s, _)| s.split(',').any(|one| one.trim() == selector))
        .find_map(|(_, body)| {
            body.split(';').find_map(|d| {
                let (name, value) = d.split_once(':')?;
                (name.trim() == property).then(|| value.trim().to_owned())
            })
        })
        .unwrap_or_else(|| panic!("no {property} in a rule for {selector}"));
    let token = found
        .split_whitespace()
        .find(|t| t.starts_with('#') || t.starts_with("var("))
        .unwrap_or_else(|| panic!("no colour in {selector} {{ {property}: {found} }}"));
    match token.strip_prefix("var(").and_then(|t| t.strip_suffix(')')) {
        Some(name) => colour(css, ":root", name),
        None => token.to_owned(),
    }
}

/// Relative luminance of `#rrggbb` (WCAG 2.1).
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let hex = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_owned(),
        _ => panic!("colours are written #rgb or #rrggbb here: {hex}"),
    };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex colour")) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// The contrast ratio of two colours, 1 to 21.
fn ratio(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

const CSS: &str = include_str!("../static/style.css");

#[test]
fn every_text_colour_reads_on_every_surface_it_sits_on() {
    // (what, selector, property): the colours text is written in …
    let texts = [
        ("body text", "html", "color"),
        ("hints and footers", ".hint", "color"),
        ("links", "a", "color"),
        ("criteria met", ".met", "color"),
        ("errors, overdue, unmet", ".error", "color"),
    ];
    // … and the surfaces a page puts text on.
    let surfaces = [
        ("the page", "html", "background"),
        ("a card", ".card", "background"),
        ("a table", "table", "background"),
        ("a table heading", "th", "background"),
        ("an overdue row", "tr.overdue td", "background"),
        ("a notice", ".notice", "background"),
        ("missing parts", ".missing", "background"),
        ("the signing summary", ".sign-summary", "background"),
    ];
    let mut short = Vec::new();
    for (text, ts, tp) in texts {
        for (surface, ss, sp) in surfaces {
            let r = ratio(&colour(CSS, ts, tp), &colour(CSS, ss, sp));
            if r < 4.5 {
                short.push(format!("{text} on {surface}: {r:.2}:1"));
            }
        }
    }
    // Text on coloured surfaces of its own: the top band, buttons.
    for (what, selector) in [
        ("the top band", "header.top"),
        ("a button", "button"),
        ("a primary link button", ".button.primary"),
        ("a secondary link button", ".button"),
    ] {
        let r = ratio(
            &colour(CSS, selector, "color"),
            &colour(CSS, selector, "background"),
        );
        if r < 4.5 {
            short.push(format!("{what}: {r:.2}:1"));
        }
    }
    let danger = ratio(
        &colour(CSS, "button", "color"),
        &colour(CSS, "button.danger", "background"),
    );
    if danger < 4.5 {
        short.push(format!("a dangerous button: {danger:.2}:1"));
    }
    assert!(short.is_empty(), "below 4.5:1 (WCAG 1.4.3): {short:#?}");
}

#[test]
fn field_borders_focus_rings_and_chart_marks_stand_out_from_what_is_next_to_them() {
    let page = colour(CSS, "html", "background");
    let card = colour(CSS, ".card", "background");
    let field = colour(CSS, "input", "background");
    let band = colour(CSS, "header.top", "background");
    let mut short = Vec::new();
    let mut check = |what: &str, a: &str, b: &str| {
        let r = ratio(a, b);
        if r < 3.0 {
            short.push(format!("{what}: {r:.2}:1"));
        }
    };
    let border = colour(CSS, "input", "border");
    check("a field's border on its own background", &border, &field);
    check("a field's border on a card", &border, &card);
    let ring = colour(CSS, "input:focus", "outline");
    check("the focus ring on the page", &ring, &page);
    check("the focus ring on a card", &ring, &card);
    check(
        "the focus ring in the top band",
        &colour(CSS, "header.top a:focus", "outline-color"),
        &band,
    );
    for series in [".chart .collectives", ".chart .individuals"] {
        check(series, &colour(CSS, series, "fill"), &card);
    }
    assert!(short.is_empty(), "below 3:1 (WCAG 1.4.11): {short:#?}");
}

#[test]
fn the_ratio_is_wcags() {
    // Black on white is 21:1, a colour on itself 1:1, and #767676 on white the well-known 4.54.
    assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((ratio("#0b4f8a", "#0b4f8a") - 1.0).abs() < 1e-9);
    assert!((ratio("#767676", "#ffffff") - 4.54).abs() < 0.01);
}
