//! The yearly report view on the 2023 demo database, opened from the first run with
//! "Prova con dati dimostrativi" (Alt+D) beside the real database, which stays empty:
//! the DEMO banner shows, and "Esci dalla demo" goes back. The coordinator opens "Rapporto",
//! moves between years with the keyboard, sees the seed's accesses (Grosseto 9.657,
//! Follonica 1.427, Italian separators), and saves the CSV through the command the
//! "Salva CSV" buttons feed (the native save dialog cannot be driven): the published
//! copy and the exact one; and the XLSX through the command "Salva XLSX" feeds. Below the
//! tables the four charts of every desk's sum are shown as images (the CSP lets the SVG
//! in), and "Salva PDF" writes the printable report through the app's print engine.
//! The page must not scroll sideways, at 100% nor at 200%.

use std::path::PathBuf;

use fantoccini::{Client, Locator};
use sportello_e2e::{
    Keyboard, TestResult, alt, cli, no_page_errors, run_async, screenshot, wait_text, wait_until,
    with_app,
};

/// The accesses table's rows as shown: row header, then the cells.
async fn accesses_rows(client: &Client) -> TestResult<Vec<Vec<String>>> {
    let rows = client
        .execute(
            "return [...document.querySelectorAll('#report-accesses tbody tr')]
                 .map((tr) => [...tr.cells].map((c) => c.textContent.trim()));",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(rows)?)
}

/// Fails when the page itself is wider than the window (only a table's own box may
/// scroll sideways).
async fn page_fits(client: &Client, what: &str) -> TestResult {
    let widths = client
        .execute(
            "const e = document.scrollingElement;
             return [e.scrollWidth, e.clientWidth];",
            vec![],
        )
        .await?;
    let (scroll, client_width): (i64, i64) = serde_json::from_value(widths)?;
    if scroll > client_width {
        return Err(
            format!("{what}: the page scrolls sideways ({scroll} > {client_width})").into(),
        );
    }
    Ok(())
}

async fn scenario(client: Client, out: PathBuf) -> TestResult {
    let client = &client;
    // The first run: the demo instead of setting up the desk.
    wait_text(client, "Prova con dati dimostrativi").await?;
    screenshot(client, "first-run").await?;
    let mut kb = Keyboard::new(client);
    kb.press(&[&alt("d")]).await?;
    // The register has loaded (it sets the language): the views can change now.
    wait_text(client, "Accessi del").await?;
    let banner = wait_text(client, "Database dimostrativo").await?;
    assert!(banner.contains("DEMO"), "the header says DEMO");
    client
        .find(Locator::Css("nav button[data-view=rapporto]"))
        .await?
        .click()
        .await?;
    // It opens on the last year with accesses.
    wait_until(
        client,
        "the 2023 report",
        "return document.getElementById('report-year')?.value === '2023'
            && Boolean(document.getElementById('report-accesses'))",
    )
    .await?;

    // Alt+S: the next year (no accesses, only the cases carried into it); Alt+A: back.
    kb.press(&[&alt("s")]).await?;
    wait_text(client, "Accessi gennaio-dicembre 2024 per sportello").await?;
    kb.press(&[&alt("a")]).await?;
    wait_until(
        client,
        "the 2023 tables again",
        "return document.getElementById('report-tables').getAttribute('aria-busy') === 'false'
            && document.querySelector('#report-accesses caption').textContent.includes('2023')",
    )
    .await?;

    let rows = accesses_rows(client).await?;
    let total_of = |desk: &str| {
        rows.iter()
            .find(|r| r[0].contains(desk))
            .map(|r| r[3].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        total_of("GRO"),
        "9.657",
        "Grosseto, Italian separators: {rows:?}"
    );
    assert_eq!(total_of("FOL"), "1.427", "Follonica: {rows:?}");
    let gro = rows
        .iter()
        .find(|r| r[0].contains("GRO"))
        .expect("a GRO row");
    assert_eq!(
        (gro[1].as_str(), gro[2].as_str()),
        ("4.603", "5.054"),
        "front desk and telefono/mail, as the seed"
    );
    let tables = client
        .execute(
            "return document.querySelectorAll('#report-tables table').length",
            vec![],
        )
        .await?;
    assert!(
        tables.as_u64().unwrap_or(0) >= 10,
        "accesses, typologies, cases, months, comparison, age by sex: {tables}"
    );

    // The CSV through the command "Salva CSV" feeds, published and exact.
    let published = out.join("rapporto-2023.csv");
    let exact = out.join("rapporto-2023-FOL-esatto.csv");
    let written = run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             return [await ipc.saveReportCsv(2023, null, false, {}),
                     await ipc.saveReportCsv(2023, 'FOL', true, {})];",
            serde_json::to_string(&published)?,
            serde_json::to_string(&exact)?,
        ),
    )
    .await?;
    assert_eq!(
        written,
        serde_json::json!([published, exact]),
        "each command answers with the file it wrote"
    );

    // The published XLSX through the command "Salva XLSX" feeds.
    let workbook = out.join("rapporto-2023.xlsx");
    let written = run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             return await ipc.saveReportXlsx(2023, null, false, {});",
            serde_json::to_string(&workbook)?,
        ),
    )
    .await?;
    assert_eq!(
        written,
        serde_json::json!(workbook),
        "the command answers with the workbook it wrote"
    );

    // The charts below the tables: four images, each one drawn (an SVG the CSP refused
    // would load as a broken image, 0 pixels wide).
    wait_until(
        client,
        "the four charts",
        "const imgs = [...document.querySelectorAll('#report-charts img')];
         return imgs.length === 4 && imgs.every((i) => i.complete && i.naturalWidth > 0)",
    )
    .await?;
    let title = client
        .execute(
            "return document.getElementById('report-charts-title').textContent",
            vec![],
        )
        .await?;
    assert_eq!(
        title, "Grafici 2023: Tutti gli sportelli",
        "the sum's charts"
    );

    // The printable report as a PDF through the command "Salva PDF" feeds.
    let pdf = out.join("rapporto-2023.pdf");
    let written = run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             return await ipc.saveReportPdf(2023, null, false, {});",
            serde_json::to_string(&pdf)?,
        ),
    )
    .await?;
    assert_eq!(
        written,
        serde_json::json!(pdf),
        "the command answers with the PDF"
    );

    screenshot(client, "report").await?;
    client
        .execute(
            "document.getElementById('report-charts').scrollIntoView(); return null;",
            vec![],
        )
        .await?;
    screenshot(client, "report-charts").await?;
    // Below the charts: the year's ISTAT context (the seed's 2023 figures are shipped)
    // and the year's state with its texts.
    wait_text(client, "Totale complessivo").await?;
    client
        .execute(
            "document.getElementById('report-context').scrollIntoView(); return null;",
            vec![],
        )
        .await?;
    screenshot(client, "report-context").await?;
    client
        .execute(
            "document.getElementById('report-year-box').scrollIntoView(); return null;",
            vec![],
        )
        .await?;
    screenshot(client, "report-year").await?;
    page_fits(client, "at 100%").await?;
    // 200% zoom, as a user with low vision sets it (Ctrl+= zooms the whole window): the
    // tables scroll in their boxes, and the header (selectors, commands and their notes)
    // leaves them most of the window.
    let header = run_async(
        client,
        "await window.__TAURI__.webview.getCurrentWebview().setZoom(2);
         await new Promise((r) => setTimeout(r, 300));
         const bar = document.querySelector('.report-bar');
         bar.scrollIntoView();
         const top = bar.getBoundingClientRect().top;
         const bottom = document.querySelector('.report-keys').getBoundingClientRect().bottom;
         return [bottom - top, innerHeight];",
    )
    .await?;
    screenshot(client, "report-zoom").await?;
    page_fits(client, "at 200%").await?;
    let (tall, window) = (
        header[0].as_f64().unwrap_or(f64::NAN),
        header[1].as_f64().unwrap_or(f64::NAN),
    );
    println!("report header at 200%: {tall} of {window} px");
    assert!(
        tall <= window / 2.0,
        "at 200% the report's header takes {tall} of the window's {window} px"
    );
    run_async(
        client,
        "await window.__TAURI__.webview.getCurrentWebview().setZoom(1);",
    )
    .await?;
    no_page_errors(client).await?;

    // Back to the real database: still to be set up, the banner gone.
    client
        .find(Locator::Css("#leave-demo"))
        .await?
        .click()
        .await?;
    wait_text(client, "Primo avvio").await?;
    let banner = client
        .execute(
            "return Boolean(document.getElementById('demo-banner'))",
            vec![],
        )
        .await?;
    assert_eq!(
        banner,
        serde_json::json!(false),
        "no DEMO on the real database"
    );
    no_page_errors(client).await?;
    println!("report: {} keys pressed", kb.pressed);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn the_2023_demo_report_shows_the_seed_and_saves_its_csv_xlsx_and_pdf() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    let out = home.path().join("out");
    std::fs::create_dir_all(&out).expect("the output folder");
    let dir = out.clone();
    with_app(&db, home.path(), move |client| scenario(client, dir))
        .await
        .expect("the report scenario");

    let published = std::fs::read_to_string(out.join("rapporto-2023.csv")).expect("the CSV");
    let lines: Vec<&str> = published.split("\r\n").collect();
    assert_eq!(
        lines[0], "table,desk,dimension,code,label,count",
        "the header"
    );
    assert!(
        lines.contains(&"accesses,GRO,channel_group,total,Totale,9657"),
        "Grosseto's total: {}",
        &published[..published.len().min(600)]
    );
    let exact = std::fs::read_to_string(out.join("rapporto-2023-FOL-esatto.csv")).expect("the CSV");
    assert!(
        exact.contains("\r\naccesses,FOL,channel_group,total,Totale,1427\r\n"),
        "Follonica's total, exact copy of one desk"
    );
    assert!(
        !exact.contains(",GRO,"),
        "the desk's copy holds that desk alone"
    );

    // The demo lives beside the real database, which holds no record of it.
    assert!(
        home.path().join("e2e-demo.db").exists(),
        "the demo database"
    );
    let (ok, real) = cli(&db, &["report", "--year", "2023", "--format", "json"]);
    assert!(ok, "{real}");
    let real: serde_json::Value = serde_json::from_str(&real).expect("the report's JSON");
    assert_eq!(
        real["total"]["accesses"]["total"], 0,
        "the real database is empty"
    );

    let workbook = std::fs::read(out.join("rapporto-2023.xlsx")).expect("the XLSX");
    assert!(
        workbook.len() > 2 && workbook.starts_with(b"PK"),
        "a workbook is a non-empty ZIP: {} bytes",
        workbook.len()
    );

    let pdf = out.join("rapporto-2023.pdf");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in ["Rapporto attività 2023", "9.657"] {
        assert!(text.contains(needle), "{needle} in the PDF:\n{text}");
    }
}
