/**
 * The back office's rich-text editor for an item's body (TipTap, bundled by the application: web/editor.bundle.ts).
 * It takes the place of a `<textarea data-editor>` and writes the HTML back into it, so the form posts as it would
 * without JavaScript, and the server sanitises what it receives either way. Pictures are uploaded as attachments of
 * the edition (`data-upload`), pasted Word/WPS text is made plain first (word.ts).
 */
import { Editor } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { cleanPastedHtml } from './word.ts';

interface Tool {
  label: string;
  run: (e: Editor) => void;
  /** Shown as pressed when true. */
  active?: (e: Editor) => boolean;
  /** Offered only when true (table tools inside a table). */
  enabled?: (e: Editor) => boolean;
}

const IMAGE_TYPES = 'image/png,image/jpeg,image/gif,image/webp';

/** The message of a refused upload: the error page's text, or the status. */
async function refusal(res: Response): Promise<string> {
  const html = await res.text();
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const message = doc.querySelector('.error-message, main p')?.textContent?.trim();
  return message || `上传失败（${res.status}）`;
}

function mount(textarea: HTMLTextAreaElement): void {
  const label = document.querySelector<HTMLLabelElement>(`label[for="${textarea.id}"]`);
  if (label && !label.id) label.id = `${textarea.id}-label`;
  const uploadUrl = textarea.dataset.upload;

  const wrap = document.createElement('div');
  wrap.className = 'rte';
  const toolbar = document.createElement('div');
  toolbar.className = 'rte-toolbar';
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', '正文格式');
  const area = document.createElement('div');
  area.className = 'rte-area';
  const status = document.createElement('p');
  status.className = 'rte-status';
  status.setAttribute('role', 'status');
  textarea.before(wrap);
  wrap.append(toolbar, area, status);
  textarea.hidden = true;

  const upload = async (file: File, editor: Editor) => {
    if (!uploadUrl) return;
    status.textContent = `正在上传 ${file.name} …`;
    const form = new FormData();
    form.append('file', file, file.name);
    const res = await fetch(uploadUrl, { method: 'POST', body: form, headers: { accept: 'application/json' } });
    if (!res.ok) {
      status.textContent = await refusal(res);
      return;
    }
    const added = (await res.json()) as { src: string; mime: string };
    if (!added.mime.startsWith('image/')) {
      status.textContent = `${file.name} 已作为附件上传，但不是图片，未插入正文`;
      return;
    }
    const alt = window.prompt('图片说明（供视障用户的读屏软件朗读）', file.name.replace(/\.[^.]+$/, '')) ?? '';
    editor.chain().focus().setImage({ src: added.src, alt }).run();
    status.textContent = `已插入图片 ${file.name}，并已加入附件`;
  };

  const editor: Editor = new Editor({
    element: area,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4, 5] },
        code: false,
        codeBlock: false,
        link: { openOnClick: false, protocols: ['http', 'https', 'mailto'] },
      }),
      Table.configure({ resizable: false }),
      TableRow,
      TableHeader,
      TableCell,
      Image.configure({ inline: false }),
    ],
    content: textarea.value,
    editorProps: {
      attributes: {
        class: 'rte-content body',
        role: 'textbox',
        'aria-multiline': 'true',
        ...(label ? { 'aria-labelledby': label.id } : { 'aria-label': '正文' }),
      },
      transformPastedHTML: cleanPastedHtml,
      // a picture pasted or dropped as a file is uploaded like one chosen with the button
      handlePaste: (_view, event) => {
        const files = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
        if (!files.length || !uploadUrl) return false;
        for (const f of files) void upload(f, editor);
        return true;
      },
      handleDrop: (_view, event) => {
        const files = [...((event as DragEvent).dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/'));
        if (!files.length || !uploadUrl) return false;
        for (const f of files) void upload(f, editor);
        return true;
      },
    },
    onUpdate: () => {
      textarea.value = editor.getHTML();
    },
    onSelectionUpdate: () => refresh(),
    onTransaction: () => refresh(),
  });

  const picker = document.createElement('input');
  picker.type = 'file';
  picker.accept = IMAGE_TYPES;
  picker.hidden = true;
  picker.className = 'rte-picker';
  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    picker.value = '';
    if (file) void upload(file, editor);
  });
  wrap.append(picker);

  const inTable = (e: Editor) => e.isActive('table');
  const tools: Tool[] = [
    { label: '正文', run: (e) => e.chain().focus().setParagraph().run(), active: (e) => e.isActive('paragraph') },
    {
      label: '标题',
      run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(),
      active: (e) => e.isActive('heading', { level: 2 }),
    },
    {
      label: '小标题',
      run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run(),
      active: (e) => e.isActive('heading', { level: 3 }),
    },
    { label: '加粗', run: (e) => e.chain().focus().toggleBold().run(), active: (e) => e.isActive('bold') },
    { label: '斜体', run: (e) => e.chain().focus().toggleItalic().run(), active: (e) => e.isActive('italic') },
    { label: '下划线', run: (e) => e.chain().focus().toggleUnderline().run(), active: (e) => e.isActive('underline') },
    {
      label: '项目列表',
      run: (e) => e.chain().focus().toggleBulletList().run(),
      active: (e) => e.isActive('bulletList'),
    },
    {
      label: '编号列表',
      run: (e) => e.chain().focus().toggleOrderedList().run(),
      active: (e) => e.isActive('orderedList'),
    },
    { label: '引用', run: (e) => e.chain().focus().toggleBlockquote().run(), active: (e) => e.isActive('blockquote') },
    {
      label: '链接',
      run: (e) => {
        const was = (e.getAttributes('link').href as string | undefined) ?? 'https://';
        const href = window.prompt('链接地址（留空则取消链接）', was);
        if (href === null) return;
        if (!href.trim()) e.chain().focus().unsetLink().run();
        else e.chain().focus().extendMarkRange('link').setLink({ href: href.trim() }).run();
      },
      active: (e) => e.isActive('link'),
    },
    {
      label: '插入表格',
      run: (e) => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
      enabled: (e) => !inTable(e),
    },
    { label: '加一行', run: (e) => e.chain().focus().addRowAfter().run(), enabled: inTable },
    { label: '加一列', run: (e) => e.chain().focus().addColumnAfter().run(), enabled: inTable },
    { label: '删除行', run: (e) => e.chain().focus().deleteRow().run(), enabled: inTable },
    { label: '删除列', run: (e) => e.chain().focus().deleteColumn().run(), enabled: inTable },
    { label: '删除表格', run: (e) => e.chain().focus().deleteTable().run(), enabled: inTable },
    ...(uploadUrl ? [{ label: '插入图片', run: () => picker.click() }] : []),
    { label: '撤销', run: (e) => e.chain().focus().undo().run(), enabled: (e) => e.can().undo() },
    { label: '重做', run: (e) => e.chain().focus().redo().run(), enabled: (e) => e.can().redo() },
  ];

  const buttons = tools.map((tool) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = tool.label;
    b.className = 'rte-button';
    // a click keeps the selection in the text
    b.addEventListener('mousedown', (ev) => ev.preventDefault());
    b.addEventListener('click', () => tool.run(editor));
    toolbar.append(b);
    return { b, tool };
  });

  // the HTML itself, for what the buttons do not offer; the text area is the form's field either way
  const source = document.createElement('button');
  source.type = 'button';
  source.className = 'rte-button rte-source';
  source.textContent = 'HTML 源码';
  source.setAttribute('aria-pressed', 'false');
  source.addEventListener('click', () => {
    const showing = textarea.hidden;
    if (!showing) editor.commands.setContent(textarea.value, { emitUpdate: false });
    textarea.hidden = !showing;
    area.hidden = showing;
    source.setAttribute('aria-pressed', String(showing));
    for (const { b } of buttons) b.disabled = showing;
    if (showing) textarea.focus();
    else editor.commands.focus();
  });
  toolbar.append(source);
  if (!uploadUrl) {
    const hint = document.createElement('span');
    hint.className = 'rte-hint';
    hint.textContent = '保存草稿后可插入图片';
    toolbar.append(hint);
  }

  function refresh(): void {
    if (!area.hidden)
      for (const { b, tool } of buttons) {
        if (tool.active) b.setAttribute('aria-pressed', String(tool.active(editor)));
        b.disabled = tool.enabled ? !tool.enabled(editor) : false;
      }
  }
  refresh();
  // what the text area holds when the form is sent: the editor's HTML, unless the source is being edited
  textarea.form?.addEventListener('submit', () => {
    if (textarea.hidden) textarea.value = editor.getHTML();
  });
}

for (const t of document.querySelectorAll<HTMLTextAreaElement>('textarea[data-editor]')) mount(t);
