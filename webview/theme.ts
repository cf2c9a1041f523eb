/**
 * Colours from VS Code's theme variables, so charts follow light, dark and high-contrast
 * themes. The fallbacks are for the standalone HTML report, which has no VS Code around it.
 */
export interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  font: string;
  palette: string[];
  highContrast: boolean;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const foreground = cssVar(style, '--vscode-editor-foreground', cssVar(style, '--sl-foreground', '#1f1f1f'));
  return {
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', '#6b6b6b'),
    grid: cssVar(style, '--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)'),
    background: cssVar(style, '--vscode-editor-background', '#ffffff'),
    font: cssVar(style, '--vscode-font-family', 'system-ui, -apple-system, "Segoe UI", sans-serif'),
    palette: [
      cssVar(style, '--vscode-charts-blue', '#1f77b4'),
      cssVar(style, '--vscode-charts-orange', '#ff7f0e'),
      cssVar(style, '--vscode-charts-green', '#2ca02c'),
      cssVar(style, '--vscode-charts-red', '#d62728'),
      cssVar(style, '--vscode-charts-purple', '#9467bd'),
      cssVar(style, '--vscode-charts-yellow', '#bcbd22'),
    ],
    highContrast,
  };
}

/** The colour with an alpha, for CI bands; accepts #rgb, #rrggbb and rgb()/rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color.trim());
  if (hex) {
    let h = hex[1];
    if (h.length === 3) h = h.split('').map((c) => c + c).join('');
    const n = parseInt(h, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(color.trim());
  if (rgb) return `rgba(${rgb[1].trim()}, ${rgb[2].trim()}, ${rgb[3].trim()}, ${alpha})`;
  return color;
}
