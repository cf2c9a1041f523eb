import type { PanelSpec } from './spec';

/** Several files' panels as one page (the HTML report), keeping view ids unique. */
export function combinePanels(title: string, panels: PanelSpec[]): PanelSpec {
  const views: PanelSpec['views'] = [];
  const messages: NonNullable<PanelSpec['messages']> = [];
  panels.forEach((p, i) => {
    for (const v of p.views) {
      views.push({ ...v, id: `${i + 1}-${v.id}`, title: panels.length > 1 ? `${p.source ?? p.title}: ${v.title}` : v.title });
    }
    for (const m of p.messages ?? []) messages.push(m);
  });
  return { title, source: panels.length === 1 ? panels[0].source : undefined, views, messages };
}
