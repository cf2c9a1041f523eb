// Specs are produced by core and rendered by the webview; the extension and webview see them
// only through this re-export, so they never reach into core.
export type {
  AxisScale,
  AxisSpec,
  ChartSpec,
  ControlField,
  ControlSpec,
  FormulaSpec,
  PanelSpec,
  Point,
  SeriesKind,
  SeriesSpec,
  TableSpec,
  ViewSpec,
} from '../core/report/spec';
