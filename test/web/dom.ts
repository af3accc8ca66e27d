/**
 * The few DOM shapes the tests read inside the page. The test program is compiled without the DOM
 * library (it is Node code), so functions passed to page.evaluate() cast to these.
 */
export interface ImageLike {
  complete: boolean;
  naturalWidth: number;
}

export interface PageGlobals {
  document: {
    activeElement: { getAttribute: (name: string) => string | null } | null;
    documentElement: { dataset: Record<string, string | undefined>; scrollWidth: number };
    body: unknown;
  };
  getComputedStyle: (element: unknown) => { backgroundColor: string };
}
