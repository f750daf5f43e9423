"""``yitu distances`` (外部安全防护距离核查), ``yitu contours`` (import QRA contours) and ``yitu safety-map``."""



from pathlib import Path
from typing import Annotated, Any, Optional

import typer


def _print_list(console: Any, df: Any, title: str, *, max_rows: int = 40) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(title), show_lines=False)
    for c in df.columns:
        t.add_column(Text(str(c)), overflow="fold")
    for row in df.head(max_rows).itertuples(index=False):
        t.add_row(*[Text("—" if v is None or (isinstance(v, float) and v != v) else str(v)) for v in row])
    if len(df) > max_rows:
        t.caption = f"… {len(df) - max_rows} more rows"
    console.print(t)


def _compact(df: Any, *, lang: str) -> Any:
    """The console's view of a violation/unknown list: who, what, required vs actual (formatted), why."""
    import pandas as pd

    from yitu.layers.distances_io import class_text
    from yitu.words import tr
    from yitu.words.numbers import fmt
    from yitu.words.status import status_text

    def join(*cols: str) -> Any:
        parts = [df[c].astype(object).where(df[c].notna(), "") if c in df.columns else pd.Series("", index=df.index)
                 for c in cols]
        out = parts[0].astype(str)
        for p in parts[1:]:
            out = out.str.cat(p.astype(str), sep=" ")
        return out.str.strip()

    q = df["quantity"] if "quantity" in df.columns else pd.Series(None, index=df.index)
    num = lambda c: [fmt(v, qq, lang=lang) if qq in ("m", "risk") else "—"  # noqa: E731
                     for v, qq in zip(df[c] if c in df.columns else [None] * len(df), q)]
    return pd.DataFrame({
        tr("dist.col.status", lang=lang): df["status"].map(lambda v: status_text(v, lang=lang)),
        tr("dist.col.method", lang=lang): df["method"].map(lambda v: tr(f"dist.method.{v}", lang=lang) if v else "—"),
        tr("dist.col.target_name", lang=lang): join("target_id", "target_name"),
        tr("dist.col.target_class", lang=lang): df["target_class"].map(lambda v: class_text(v, lang=lang) or "—"),
        tr("dist.col.installation_name", lang=lang): join("enterprise_id", "installation_id", "installation_name"),
        tr("dist.col.required", lang=lang): num("required"),
        tr("dist.col.actual", lang=lang): [("≥ " + a if qq == "risk" and a != "—" else a) for a, qq in zip(num("actual"), q)],
        tr("dist.col.reason", lang=lang): df["reason"].where(df["reason"].notna(), ""),
    })


def register(app: typer.Typer) -> None:
    from yitu.cli import EXIT_FAIL, ProjectDir, _working, console, err

    @app.command("distances")
    def distances_cmd(
        directory: ProjectDir,
        lang: Annotated[str, typer.Option(help="语言 zh | en (XLSX headers stay Chinese).")] = "zh",
        add_to_hazards: Annotated[bool, typer.Option("--add-to-hazards", help="加入隐患清单 Add 重大隐患 rows to the hazards layer.")] = False,
        out: Annotated[Optional[Path], typer.Option(help="输出目录 Output folder (default DIR/output/distances).")] = None,
    ) -> None:
        """外部安全防护距离核查 Protected targets vs risk contours, assessed and code distances, and the distance rules; exit 3 on violations."""
        from yitu.layers import distances_io as dio
        from yitu.layers.project import Project
        from yitu.words import tr, use_lang

        p = Project.open(directory)
        with use_lang(lang):
            with _working(tr("dist.section.title") + "…"):
                res = dio.run_distances(p, lang=lang)
                path = dio.write_distances_xlsx(res, (out or p.output_dir / "distances") / "distances.xlsx")
            v = _compact(res.violations, lang=lang)
            _print_list(console, v, tr("dist.title.violations", n=len(v)))
            rv = res.rules[res.rules["status"] == "violation"] if len(res.rules) else res.rules
            if len(rv):
                _print_list(console, dio.display_table(rv, lang=lang, rules=True), tr("dist.title.rules", n=len(rv)))
            unk = _compact(res.unknowns, lang=lang)
            ru = res.rules[res.rules["status"] == "unknown"] if len(res.rules) else res.rules
            if len(unk):
                _print_list(console, unk, tr("dist.title.unknowns", n=len(unk)))
            if len(ru):
                _print_list(console, dio.display_table(ru, lang=lang, rules=True), tr("dist.title.unknowns", n=len(ru)))
            n_bad = len(res.violations) + len(rv)
            console.print(tr("dist.verdict.fail", n=n_bad) if n_bad else tr("dist.verdict.pass"), markup=False,
                          highlight=False)
            if len(unk) + len(ru):
                console.print(tr("dist.verdict.unknown", n=len(unk) + len(ru)), markup=False, highlight=False)
            if add_to_hazards:
                n = dio.add_to_hazards(p, res)
                console.print(tr("dist.hazards_added", n=n), markup=False, highlight=False)
            console.print(f"{tr('dist.written')}: {path} · {dio.RESULT_LAYER}", markup=False, highlight=False)
        if n_bad:
            raise SystemExit(EXIT_FAIL)  # main() drops typer.Exit codes in non-standalone mode

    @app.command("contours")
    def contours_cmd(
        directory: ProjectDir,
        file: Annotated[Path, typer.Argument(help="等值线文件 Shapefile, GeoJSON, GeoPackage or DXF exported by QRA software.")],
        crs: Annotated[Optional[str], typer.Option(help="坐标系 of a file that declares none (DXF): EPSG:xxxx, cgcs2000 ...")] = None,
        level_field: Annotated[Optional[str], typer.Option(help="风险值字段 Attribute holding the level (default: found by name, DXF layer name or text).")] = None,
        installation: Annotated[Optional[str], typer.Option(help="装置编号 Installation the contours belong to.")] = None,
        enterprise: Annotated[Optional[str], typer.Option(help="企业编号 Enterprise the contours belong to.")] = None,
        status: Annotated[Optional[str], typer.Option(help="建设状态 新建 | 在役 (default: the installation's).")] = None,
        layer: Annotated[Optional[str], typer.Option(help="GeoPackage layer.")] = None,
        append: Annotated[bool, typer.Option(help="追加 Append to the contours already imported.")] = False,
    ) -> None:
        """导入个人风险等值线 Import QRA individual-risk contours (lines closed into polygons); rejected features go to rejected/risk_contours.csv."""
        import pandas as pd

        from yitu.cli import _table
        from yitu.layers.contours import import_contours
        from yitu.layers.project import Project

        p = Project.open(directory)
        r = import_contours(p, file, append=append, crs=crs, level_field=level_field, installation_id=installation,
                            enterprise_id=enterprise, status=status, layer=layer)
        console.print(_table(pd.DataFrame([{"图层 layer": "risk_contours", "要素 features": r.n_input,
                                            "等值线 contours": len(r.gdf), "问题 problems": len(r.rejected)}])))
        if len(r.rejected):
            _print_list(console, r.rejected, "拒绝或未闭合 rejected / not closed", max_rows=20)
            console.print(f"拒绝清单 rejected list: {p.rejected_dir / 'risk_contours.csv'}", markup=False, highlight=False)
        for w in r.warnings:
            err.print(f"注意 warning: {w}", markup=False, highlight=False)

    @app.command("safety-map")
    def safety_map_cmd(
        directory: ProjectDir,
        enterprise: Annotated[Optional[str], typer.Argument(help="企业编号 Enterprise id (omit for the county overview).")] = None,
        fmt: Annotated[str, typer.Option("--format", help="png | svg | pdf")] = "png",
        paper: Annotated[str, typer.Option(help="纸张 A4 | A3 | A2 ...")] = "A3",
        lang: Annotated[str, typer.Option(help="语言 zh | en")] = "zh",
        font: Annotated[Optional[str], typer.Option(help="中文字体 CJK font file or family.")] = None,
        dpi: Annotated[Optional[int], typer.Option(help="分辨率 dpi (default: settings maps.dpi).")] = None,
        out: Annotated[Optional[Path], typer.Option("--out", help="输出文件 Output file.")] = None,
    ) -> None:
        """外部安全防护距离示意图 One plant's map (A3), or the county overview without ENTERPRISE."""
        import re

        from yitu.layers.project import Project
        from yitu.maps.safety_render import render_safety
        from yitu.maps.static import save_figure

        p = Project.open(directory)
        stem = "safety_overview" if not enterprise else "safety_" + re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", enterprise)
        path = out or p.output_dir / "images" / f"{stem}.{fmt}"
        with _working(f"绘制中 rendering {path.name}…"):
            fig = render_safety(p, enterprise, paper=paper, lang=lang, font=font)
            saved = save_figure(fig, path, dpi=dpi or p.settings.maps.dpi)
        console.print(str(saved), markup=False, highlight=False, soft_wrap=True)
