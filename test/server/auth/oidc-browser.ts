/**
 * What a browser does in a single sign-on, over plain HTTP: follows redirects by hand, keeps
 * cookies per host and port, and fills the provider's development login and consent forms.
 */
export class Browser {
  /** host:port -> cookie name -> value. */
  readonly jars = new Map<string, Map<string, string>>();

  jar(url: URL | string): Map<string, string> {
    const host = new URL(url).host;
    let jar = this.jars.get(host);
    if (jar === undefined) this.jars.set(host, (jar = new Map<string, string>()));
    return jar;
  }

  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const jar = this.jar(url);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }) });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /**
   * Starts at `url` and follows redirects, signing in at the provider as `login`, until a page
   * that is neither a redirect nor the provider's form, or until `stopAt` says so (with the
   * redirect's target). Returns the last URL asked for and its response.
   */
  async follow(url: string, login: string, stopAt: (next: URL) => boolean = () => false): Promise<{ url: string; res: Response }> {
    let at = url;
    for (let hop = 0; hop < 20; hop++) {
      let res = await this.fetch(at);
      if (res.status === 200 && new URL(at).pathname.startsWith('/interaction/')) {
        const html = await res.text();
        const action = /action="([^"]+)"/.exec(html)?.[1] ?? new URL(at).pathname;
        const form: Record<string, string> = html.includes('name="login"') ? { prompt: 'login', login, password: 'any password' } : { prompt: 'consent' };
        res = await this.fetch(new URL(action, at).href, { method: 'POST', form });
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || location === null) return { url: at, res };
      const next = new URL(location, at);
      if (stopAt(next)) return { url: next.href, res };
      at = next.href;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
