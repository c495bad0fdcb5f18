import { Html } from '@kitajs/html';
import { type Grid, tableFourGrid, tableThreeGrid, tableTwoGrid } from './reports.grid.ts';
import { type Figures, SECTION_TITLES, sectionParagraphs } from './reports.rules.ts';
import type { ReportView } from './reports.service.ts';

/** A table of the report; figures link to their records when `link` gives an address. */
export function GridTable(props: { grid: Grid; link?: (key: string) => string | null }): JSX.Element {
  return (
    <div class="table-scroll">
      <table class="report-table">
        <caption safe>{props.grid.caption}</caption>
        <tbody>
          {props.grid.rows.map((row) => (
            <tr>
              {row.map((c) => {
                const span = {
                  rowspan: c.rowSpan ? String(c.rowSpan) : undefined,
                  colspan: c.colSpan ? String(c.colSpan) : undefined,
                };
                if (c.head)
                  return (
                    <th {...span} safe>
                      {c.text}
                    </th>
                  );
                const href = c.figure && props.link ? props.link(c.figure) : null;
                return (
                  <td {...span}>
                    {href ? (
                      <a href={href} safe>
                        {c.text}
                      </a>
                    ) : (
                      <span safe>{c.text}</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Paragraphs(props: { text: string }): JSX.Element {
  return (
    <>
      {sectionParagraphs(props.text).map((p) => (
        <p safe>{p}</p>
      ))}
    </>
  );
}

/** The report's six sections with its three tables: the published item's body and the middle of the staff page. */
export function ReportBody(props: { view: ReportView; link?: (key: string) => string | null }): JSX.Element {
  const { view } = props;
  const f = view.tables.figures;
  const format = view.tables.format;
  return (
    <div class="report">
      <h2>{SECTION_TITLES.overview}</h2>
      <Paragraphs text={view.row.overview} />
      <h2>{SECTION_TITLES.active}</h2>
      <GridTable grid={tableTwoGrid(f, format)} link={props.link} />
      <h2>{SECTION_TITLES.requests}</h2>
      <GridTable grid={tableThreeGrid(f, format)} link={props.link} />
      <h2>{SECTION_TITLES.appeals}</h2>
      <GridTable grid={tableFourGrid(f)} link={props.link} />
      <h2>{SECTION_TITLES.problems}</h2>
      <Paragraphs text={view.row.problems} />
      <h2>{SECTION_TITLES.other}</h2>
      <Paragraphs text={view.row.other_matters} />
    </div>
  );
}

const SERIES: { label: string; value: (f: Figures) => number }[] = [
  { label: '新收申请', value: (f) => f['t3.new.total']?.value ?? 0 },
  { label: '办结', value: (f) => f['t3.total.total']?.value ?? 0 },
  {
    label: '予以公开和部分公开',
    value: (f) => (f['t3.granted.total']?.value ?? 0) + (f['t3.partial.total']?.value ?? 0),
  },
  { label: '结转下年', value: (f) => f['t3.carried_out.total']?.value ?? 0 },
];

/** Applications over the years as grouped bars, with the numbers written on the bars and in a table. */
export function YearsChart(props: { years: { year: number; figures: Figures }[] }): JSX.Element {
  const width = 640;
  const height = 240;
  const top = 20;
  const bottom = 40;
  const left = 40;
  const max = Math.max(1, ...props.years.flatMap((y) => SERIES.map((s) => s.value(y.figures))));
  const band = (width - left) / Math.max(1, props.years.length);
  const bar = Math.min(28, (band - 16) / SERIES.length);
  const scale = (v: number) => ((height - top - bottom) * v) / max;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="chart-title"
        width="100%"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="chart-title">历年政府信息公开申请办理情况</title>
        <line
          x1={String(left)}
          y1={String(height - bottom)}
          x2={String(width)}
          y2={String(height - bottom)}
          class="axis"
        />
        {props.years.map((y, i) => (
          <g>
            {SERIES.map((s, j) => {
              const v = s.value(y.figures);
              const x = left + i * band + 8 + j * bar;
              const h = scale(v);
              return (
                <>
                  <rect
                    x={String(x)}
                    y={String(height - bottom - h)}
                    width={String(bar - 2)}
                    height={String(h)}
                    class={`s${j}`}
                  />
                  <text x={String(x + (bar - 2) / 2)} y={String(height - bottom - h - 4)} class="value">
                    {Html.escapeHtml(String(v))}
                  </text>
                </>
              );
            })}
            <text x={String(left + i * band + band / 2)} y={String(height - bottom + 18)} class="year" safe>
              {`${y.year}年`}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        <ul class="legend">
          {SERIES.map((s, j) => (
            <li>
              <span class={`key s${j}`} aria-hidden="true" />
              <span safe>{`${j + 1}. ${s.label}`}</span>
            </li>
          ))}
        </ul>
        <details>
          <summary>查看数据</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">年度</th>
                {SERIES.map((s) => (
                  <th scope="col" safe>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.years.map((y) => (
                <tr>
                  <th scope="row" safe>{`${y.year}年`}</th>
                  {SERIES.map((s) => (
                    <td safe>{String(s.value(y.figures))}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
