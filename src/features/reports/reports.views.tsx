/** The annual reports' staff pages: the year's reports by agency, one report with its checks, a figure's records. */
import type { Principal } from '../../core/access.ts';
import type { Validity } from '../../core/db.types.ts';
import { fmtDate } from '../../web/format.ts';
import { Csrf, type FieldErrors, FormMessage, type FormValues, str, TextArea } from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { VALIDITY_LABELS } from '../catalog/catalog.rules.ts';
import { OUTCOMES, STAGE_LABELS } from '../requests/requests.rules.ts';
import { APPLICANT_TYPES } from '../requests/requests.schema.ts';
import { ReportBody, YearsChart } from './reports.document.views.tsx';
import {
  cellName,
  type Figures,
  FORMAT_SOURCES,
  manualCells,
  SECTION_TITLES,
  shown,
  TABLE3_COLUMN_LABELS,
  TABLE4_KIND_LABELS,
  TABLE4_RESULT_LABELS,
  type Table3Column,
  table3Rows,
} from './reports.rules.ts';
import type { AgencyReportStatus, figureRecords, ReportView } from './reports.service.ts';

const STATE_LABELS: Record<AgencyReportStatus['state'], string> = {
  none: '未编写',
  draft: '草稿',
  submitted: '已提交审核',
  published: '已发布',
};

function YearPicker(props: { year: number; years: number[]; action: string }): JSX.Element {
  return (
    <form method="get" action={props.action} class="inline-form">
      <label for="year">年度</label>
      <select id="year" name="year">
        {props.years.map((y) => (
          <option value={String(y)} selected={y === props.year} safe>{`${y}年`}</option>
        ))}
      </select>
      <button type="submit">查看</button>
    </form>
  );
}

/** The reports of a year: for the office every agency against its deadline; for others their own agencies. */
export function ReportsPage(props: {
  principal: Principal;
  csrf: string;
  year: number;
  years: number[];
  rows: AgencyReportStatus[];
  office: boolean;
  today: string;
}): JSX.Element {
  const late = props.rows.filter((r) => r.late && r.state !== 'published');
  return (
    <AdminLayout title="年度报告" principal={props.principal} csrf={props.csrf}>
      <h1 safe>{`${props.year}年政府信息公开工作年度报告`}</h1>
      <YearPicker year={props.year} years={props.years} action="/admin/reports" />
      {props.office && (
        <p>
          <a href={`/admin/reports/site/${props.year}`}>查看全站汇总报告</a>
        </p>
      )}
      {late.length > 0 && (
        <p class="banner" role="alert" safe>
          {`截至${props.today}，已过发布期限仍未发布年度报告的机构 ${late.length} 个：${late.map((r) => r.name).join('、')}`}
        </p>
      )}
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">机构</th>
              <th scope="col">发布期限</th>
              <th scope="col">状态</th>
              <th scope="col">表三勾稽关系</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/reports/${r.agencyId}/${props.year}`} safe>
                    {r.name}
                  </a>
                </th>
                <td safe>{r.deadline}</td>
                <td>
                  <span safe>{STATE_LABELS[r.state]}</span>
                  {!!r.publishedOn && <span safe>{`（${r.publishedOn}）`}</span>}
                  {r.late && <span class="tag warn">{r.state === 'published' ? '逾期发布' : '已逾期'}</span>}
                </td>
                <td>{r.unbalanced ? <span class="tag warn">不成立</span> : '成立'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminLayout>
  );
}

function CaseLinks(props: { ids: number[]; numbers: Record<number, string> }): JSX.Element {
  return (
    <>
      {props.ids.map((id) => (
        <>
          {' '}
          <a href={`/admin/requests/${id}`} safe>
            {props.numbers[id] ?? `#${id}`}
          </a>
        </>
      ))}
    </>
  );
}

const PUBLICATION_STATES: Record<string, string> = {
  unpublished_draft: '审核中',
  published: '已发布',
  withdrawn: '已撤回',
  unpublished: '已取消发布',
};

/** The staff page of one report: its state, its checks, the chart, the document with links, and the forms. */
export function ReportPage(props: {
  principal: Principal;
  csrf: string;
  view: ReportView;
  years: { year: number; figures: Figures }[];
  base: string;
  canWrite: boolean;
  canSubmit: boolean;
  flash?: string;
  message?: string;
  values?: FormValues;
  errors?: FieldErrors;
}): JSX.Element {
  const { view } = props;
  const t = view.tables;
  const values: FormValues = props.values ?? {
    overview: view.row.overview,
    problems: view.row.problems,
    otherMatters: view.row.other_matters,
    ...Object.fromEntries(
      Object.entries(view.manual).flatMap(([k, e]) => [
        [`v.${k}`, e.value === null ? '' : String(e.value)],
        [`n.${k}`, e.note],
      ]),
    ),
  };
  const errors = props.errors ?? {};
  const link = (key: string) => `${props.base}/figures/${encodeURIComponent(key)}`;
  const editable = !view.frozen && props.canWrite && view.agency !== null;
  return (
    <AdminLayout title={view.title} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1 safe>{view.title}</h1>
      <p class="tools">
        <a href="/admin/reports">全部年度报告</a>
        {' · '}
        <a href={`${props.base}/report.docx`}>下载 Word</a>
        {' · '}
        <a href={`${props.base}/report.xlsx`}>下载 Excel</a>
        {' · '}
        <span safe>{`格式：${FORMAT_SOURCES[t.format]}`}</span>
        {!!view.deadline && <span safe>{` · 发布期限：${view.deadline}`}</span>}
      </p>
      {view.frozen && (
        <p class="banner" safe>
          {`本报告已于 ${fmtDate(view.row.submitted_at)} 提交发布（${view.publicationStatus ? PUBLICATION_STATES[view.publicationStatus] : '处理中'}），以下为提交时的数据。`}
        </p>
      )}
      {view.frozen && view.openEdition?.state === 'draft' && props.canWrite && (
        <form method="post" action={`${props.base}/reopen`} class="banner">
          <Csrf token={props.csrf} />
          <p safe>{`审核退回：${view.openEdition.rejectionReason || '未注明理由'}`}</p>
          <p>重新编制后，报告按最新的办理记录重新计算，修改后再次提交。</p>
          <button type="submit">重新编制</button>
        </form>
      )}
      {view.row.publication_id && (
        <p>
          <a href={`/p/${view.row.publication_id}`}>查看发布页面</a>
        </p>
      )}
      <FormMessage message={props.message} />
      <section aria-labelledby="checks">
        <h2 id="checks">数据核对</h2>
        {t.imbalances.length === 0 ? (
          <p>表三勾稽关系成立：每一列“一 + 二 = 三（七） + 四”。</p>
        ) : (
          <div class="banner" role="alert">
            <p>表三勾稽关系不成立，报告不能提交发布。请核对下列申请的收到日期和决定日期：</p>
            <ul>
              {t.imbalances.map((i) => (
                <li>
                  <span
                    safe
                  >{`${TABLE3_COLUMN_LABELS[i.column]}列：一 + 二 = ${i.inflow}，三（七） + 四 = ${i.outflow}。涉及申请：`}</span>
                  <CaseLinks ids={i.cases} numbers={view.caseNumbers} />
                </li>
              ))}
            </ul>
          </div>
        )}
        {view.carryOver.length > 0 && (
          <div class="banner">
            <p>“二、上年结转”与上年已发布报告的“四、结转下年度继续办理”不一致（可在“五、存在的主要问题”中说明）：</p>
            <ul>
              {view.carryOver.map((d) => (
                <li>
                  <span safe>{`${TABLE3_COLUMN_LABELS[d.column]}列：上年报告 ${d.reported}，本年 ${d.now}。`}</span>
                  <CaseLinks ids={[...d.added, ...d.missing]} numbers={view.caseNumbers} />
                </li>
              ))}
            </ul>
          </div>
        )}
        {view.missing.length > 0 && !view.frozen && (
          <p safe>{`尚待填报（数值和数据来源）：${view.missing.join('、')}`}</p>
        )}
      </section>
      <section aria-labelledby="chart">
        <h2 id="chart">历年对比</h2>
        <YearsChart years={props.years} />
      </section>
      <p class="hint">表格中的每个数字都可以点击，查看它所依据的申请或文件。</p>
      <ReportBody view={view} link={link} />
      {editable && (
        <form method="post" action={props.base} class="report-form">
          <Csrf token={props.csrf} />
          <h2>编写报告</h2>
          <TextArea
            name="overview"
            label={SECTION_TITLES.overview}
            values={values}
            errors={errors}
            rows={12}
            max={20000}
          />
          <fieldset>
            <legend>表二中需要填报的数据（在相关记录纳入本平台之前，由工作人员填报并注明来源）</legend>
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">项目</th>
                    <th scope="col">数值</th>
                    <th scope="col">数据来源</th>
                  </tr>
                </thead>
                <tbody>
                  {manualCells(t.format).map((c) => {
                    const name = cellName(t.format, c.key);
                    const err = errors[`entries.${c.key}.value`];
                    return (
                      <tr>
                        <th scope="row">
                          <label for={`v-${c.key}`} safe>
                            {name}
                          </label>
                        </th>
                        <td>
                          <input
                            id={`v-${c.key}`}
                            name={`v.${c.key}`}
                            inputmode="decimal"
                            size="10"
                            maxlength="16"
                            value={str(values[`v.${c.key}`])}
                            aria-invalid={err ? 'true' : undefined}
                            aria-describedby={err ? `e-${c.key}` : undefined}
                          />
                          {!!err && (
                            <span class="error" id={`e-${c.key}`} safe>
                              {err}
                            </span>
                          )}
                        </td>
                        <td>
                          <input
                            name={`n.${c.key}`}
                            aria-label={`${name}的数据来源`}
                            size="30"
                            maxlength="200"
                            value={str(values[`n.${c.key}`])}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </fieldset>
          <TextArea
            name="problems"
            label={SECTION_TITLES.problems}
            values={values}
            errors={errors}
            rows={6}
            max={20000}
          />
          <TextArea
            name="otherMatters"
            label={SECTION_TITLES.other}
            values={values}
            errors={errors}
            rows={4}
            max={20000}
          />
          <button type="submit">保存</button>
        </form>
      )}
      {editable && props.canSubmit && view.row.id !== null && (
        <form method="post" action={`${props.base}/submit`}>
          <Csrf token={props.csrf} />
          <h2>提交发布</h2>
          <p>
            提交后，报告按当前数据定稿，作为“年度报告”体裁的信息进入“政府信息公开年报”栏目的审核流程；之后不能再修改。
          </p>
          <button type="submit">提交发布</button>
        </form>
      )}
    </AdminLayout>
  );
}

/** A figure's name for the drill-down page: table, row and column. */
export function figureName(key: string, format: '2021' | '2019'): string {
  const [table, ...rest] = key.split('.');
  if (table === 't2') return `表二 ${cellName(format, rest.join('.'))}`;
  if (table === 't3') {
    const row = table3Rows(format).find((r) => r.key === rest[0]);
    return `表三 ${row?.group ? `${row.group} ` : ''}${row?.label ?? rest[0]}·${TABLE3_COLUMN_LABELS[rest[1] as Table3Column] ?? rest[1]}`;
  }
  const kind = TABLE4_KIND_LABELS[rest[0] as keyof typeof TABLE4_KIND_LABELS] ?? rest[0];
  return `表四 ${kind}·${TABLE4_RESULT_LABELS[rest[1] as keyof typeof TABLE4_RESULT_LABELS] ?? rest[1]}`;
}

type Records = Awaited<ReturnType<typeof figureRecords>>;

/** The records behind one figure. */
export function FigurePage(props: {
  principal: Principal;
  csrf: string;
  view: ReportView;
  name: string;
  base: string;
  records: Records;
}): JSX.Element {
  const { figure, cases, items } = props.records;
  return (
    <AdminLayout title={props.name} principal={props.principal} csrf={props.csrf}>
      <h1 safe>{props.name}</h1>
      <p>
        <a href={props.base} safe>{`返回${props.view.title}`}</a>
      </p>
      <p safe>
        {figure.source === 'manual'
          ? `填报数值 ${shown(figure)}；数据来源：${figure.note || '未注明'}`
          : `共 ${figure.refs.length} ${figure.source === 'publications' ? '件文件' : '件申请'}${figure.refs.length > 1000 ? '（列出前 1000 件）' : ''}`}
      </p>
      {cases.length > 0 && (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">申请编号</th>
                <th scope="col">承办机构</th>
                <th scope="col">申请人类型</th>
                <th scope="col">收到日期</th>
                <th scope="col">决定日期</th>
                <th scope="col">办理结果</th>
                <th scope="col">状态</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((c) => (
                <tr>
                  <th scope="row">
                    <a href={`/admin/requests/${c.id}`} safe>
                      {c.tracking_no}
                    </a>
                  </th>
                  <td safe>{c.agency}</td>
                  <td>{APPLICANT_TYPES[c.applicant_type]}</td>
                  <td safe>{c.received_on ?? '—'}</td>
                  <td safe>{c.decided_on ?? '—'}</td>
                  <td>{c.outcome ? (OUTCOMES.get(c.outcome)?.label ?? c.outcome) : '—'}</td>
                  <td safe>{STAGE_LABELS[c.stage]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length > 0 && (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">标题</th>
                <th scope="col">索引号</th>
                <th scope="col">发文字号</th>
                <th scope="col">成文日期</th>
                <th scope="col">有效性</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr>
                  <th scope="row">
                    <a href={`/p/${i.id}`} safe>
                      {i.title}
                    </a>
                  </th>
                  <td safe>{i.index_no ?? ''}</td>
                  <td safe>{i.doc_no}</td>
                  <td safe>{i.written_on ?? ''}</td>
                  <td
                    safe
                  >{`${VALIDITY_LABELS[i.validity as Validity] ?? i.validity}${i.validity_changed_on ? `（${i.validity_changed_on}）` : ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}
