/** Browser-only helpers the web transport and the download flow share. */

/** Opens the browser's file chooser; resolves [] when the user cancels. */
export function pickFilesWithInput(doc: Document): Promise<File[]> {
  const input = doc.createElement('input');
  input.type = 'file';
  input.multiple = true;
  input.hidden = true;
  doc.body.append(input);
  return new Promise((resolve) => {
    const finish = (files: File[]) => {
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () => finish(Array.from(input.files ?? [])), { once: true });
    input.addEventListener('cancel', () => finish([]), { once: true });
    input.click();
  });
}

/** Starts a browser download of a same-origin URL the server prepared. */
export function downloadUrl(doc: Document, url: string, fileName: string): void {
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
}
