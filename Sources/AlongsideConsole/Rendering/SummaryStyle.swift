/// The weekly report's CSS, for screen and A4 print.
extension SummaryHTML {
    // MARK: - Style

    static let css = """

        :root { --ink: #1d2630; --muted: #5a6670; --line: #d5dbe0; --in: #16756f;
          --out: #c4581d; --soft: #f3f6f7; --now: #0f4f8a; --past: #8fb3d4; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--ink); background: #fff;
          font: 15px/1.45 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
        .page { max-width: 860px; margin: 0 auto; padding: 28px 32px 40px; }
        .masthead { border-bottom: 3px solid var(--ink); padding-bottom: 10px;
          margin-bottom: 18px; }
        .kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px;
          color: var(--muted); }
        h1 { margin: 4px 0 2px; font-size: 28px; line-height: 1.15; }
        .dates { margin: 0; color: var(--muted); }
        h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 4px;
          border-bottom: 1px solid var(--line); }
        .headline { display: grid; grid-template-columns: auto 1fr; column-gap: 20px;
          align-items: center; background: var(--soft); border-left: 6px solid var(--in);
          padding: 14px 20px; margin-bottom: 14px; }
        .headline .big { grid-row: span 3; margin: 0; font-size: 64px; font-weight: 700;
          line-height: 1; color: var(--in); font-variant-numeric: tabular-nums; }
        .headline .big span { font-size: 32px; margin-left: 2px; }
        .headline .lead { margin: 0; font-size: 18px; line-height: 1.3; }
        .headline .count { margin: 2px 0 0; font-size: 15px; }
        .headline .change { margin: 4px 0 0; color: var(--muted); }
        .headline .change.up { color: var(--in); }
        .headline .change.down { color: var(--out); }
        .tiles { display: grid; grid-template-columns: repeat(7, 1fr); gap: 8px; margin: 0; }
        .tiles div { border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; }
        .tiles dt { font-size: 11.5px; color: var(--muted); line-height: 1.2; min-height: 2.4em; }
        .tiles dd { margin: 2px 0 0; font-size: 17px; font-weight: 600;
          font-variant-numeric: tabular-nums; white-space: nowrap; }
        .notseen { margin: 8px 0 0; }
        .block { margin-top: 22px; }
        figure { margin: 0; }
        svg { display: block; width: 100%; height: auto; }
        svg text { font-family: inherit; fill: var(--ink); }
        svg .tick { font-size: 11px; fill: var(--muted); }
        svg .small { font-size: 10px; fill: var(--muted); }
        svg .axis { font-size: 11.5px; fill: var(--muted); }
        svg .value { font-size: 11px; font-weight: 600; }
        svg .strong { font-weight: 700; fill: var(--ink); }
        svg .none { font-size: 10px; fill: var(--muted); font-style: italic; }
        svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .axisline { stroke: var(--ink); stroke-width: 1; }
        svg rect.in { fill: var(--in); }
        svg rect.out { fill: var(--out); }
        svg rect.now { fill: var(--now); }
        svg rect.past { fill: var(--past); }
        svg .target { stroke: var(--ink); stroke-width: 2; stroke-dasharray: 6 4; }
        svg .targetlabel { font-size: 12px; font-weight: 600; }
        figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
        .key { display: inline-block; width: 12px; height: 12px; vertical-align: -1px;
          margin: 0 4px 0 10px; }
        .key.in { background: var(--in); margin-left: 0; }
        .key.out { background: var(--out); }
        .note { font-size: 13px; color: var(--muted); margin: 6px 0 0; }
        .empty { color: var(--muted); font-style: italic; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left;
          vertical-align: middle; }
        thead th { font-size: 12.5px; color: var(--muted); font-weight: 600;
          border-bottom: 2px solid var(--ink); }
        tbody th { font-weight: 600; }
        .num { text-align: right; white-space: nowrap; }
        td.share, th.share { width: 34%; }
        .meter { display: inline-block; width: calc(100% - 58px); height: 10px;
          background: var(--soft); border: 1px solid var(--line); vertical-align: middle; }
        .meter span { display: block; height: 100%; background: var(--in); }
        .pct { display: inline-block; width: 54px; text-align: right; }
        .definitions dl { display: grid; grid-template-columns: 190px 1fr; gap: 4px 14px;
          margin: 0; font-size: 13.5px; }
        .definitions dt { font-weight: 600; }
        .definitions dd { margin: 0; }
        footer { margin-top: 24px; padding-top: 8px; border-top: 1px solid var(--line);
          font-size: 12px; color: var(--muted); }
        @media (max-width: 640px) { .tiles { grid-template-columns: repeat(2, 1fr); }
          .headline { grid-template-columns: 1fr; } .headline .big { grid-row: auto; } }
        @page { size: A4; margin: 14mm 13mm 16mm; }
        @media print {
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { font-size: 10pt; }
          .page { max-width: none; padding: 0; }
          h1 { font-size: 20pt; }
          h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
          .headline .big { font-size: 44pt; }
          .tiles dd { font-size: 12pt; }
          .block { margin-top: 14px; }
          .chart svg { height: 54mm; }
          .block, .headline, .figures, figure, table, tr { break-inside: avoid;
            page-break-inside: avoid; }
        }

        """
}
