// List the jobs of the gafferd serving this page (GET /jobs).
const list = document.getElementById('jobs');
try {
  const res = await fetch('/jobs', { headers: { Accept: 'application/json' } });
  const body = await res.json();
  list.replaceChildren(...(res.ok ? body.jobs : [`error ${res.status}: ${body.reason}`]).map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  if (list.children.length === 0) list.textContent = 'no jobs loaded';
} catch (err) {
  list.textContent = `cannot reach gafferd: ${err.message}`;
}
