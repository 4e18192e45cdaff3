"""Condense a Claude Code transcript for reading: numbered lines, user prompts, assistant text, tool calls, errors."""
import json, sys
path = sys.argv[1]
full = '--full' in sys.argv
def short(s, n):
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[:n] + "…"
pending = {}
for no, raw in enumerate(open(path, encoding='utf-8', errors='replace'), 1):
    try: o = json.loads(raw)
    except Exception: continue
    if not isinstance(o, dict): continue
    t = o.get('type'); side = 'S' if o.get('isSidechain') else ''
    if t == 'system':
        st = o.get('subtype')
        if st == 'compact_boundary': print(f"{no}{side} ===== COMPACT_BOUNDARY {o.get('compactMetadata')}")
        elif st in ('away_summary',): print(f"{no} SYS {st}: {short(o.get('content'),400)}")
        continue
    if t == 'summary': print(f"{no} SUMMARY: {o.get('summary')}"); continue
    msg = o.get('message') or {}
    c = msg.get('content') if isinstance(msg, dict) else None
    if isinstance(c, str): c = [{'type':'text','text':c}]
    if not isinstance(c, list): continue
    for b in c:
        if not isinstance(b, dict): continue
        bt = b.get('type')
        if t == 'user' and bt == 'text':
            txt = b['text']
            if o.get('isCompactSummary'): print(f"{no} COMPACT_SUMMARY: {short(txt, 3000 if full else 600)}"); continue
            if o.get('isMeta'): continue
            print(f"{no}{side} USER: {short(txt, 1500)}")
        elif t == 'user' and bt == 'tool_result':
            cont = b.get('content')
            if isinstance(cont, list): cont = " ".join(x.get('text','') for x in cont if isinstance(x, dict))
            name = pending.get(b.get('tool_use_id'), '?')
            if b.get('is_error'):
                print(f"{no}{side}   !ERR[{name}]: {short(cont, 300)}")
            elif name.startswith('Bash'):
                print(f"{no}{side}   ok: {short(cont, 160)}")
        elif t == 'assistant' and bt == 'text':
            print(f"{no}{side} ASSIST: {short(b['text'], 1200 if not side else 200)}")
        elif t == 'assistant' and bt == 'tool_use':
            inp = b.get('input') or {}
            n = b.get('name')
            if n in ('TodoWrite',):
                d = "; ".join(f"[{x.get('status')}] {x.get('content')}" for x in inp.get('todos', []))
            elif n in ('TaskCreate','TaskUpdate'):
                d = json.dumps({k: v for k, v in inp.items() if k in ('taskId','subject','status')})
            elif n == 'ExitPlanMode':
                d = short(inp.get('plan',''), 1500)
            else:
                d = inp.get('command') or inp.get('file_path') or inp.get('pattern') or inp.get('url') or inp.get('query') or inp.get('description') or ''
            pending[b.get('id')] = f"{n}"
            print(f"{no}{side}  > {n}: {short(d, 300)}")
