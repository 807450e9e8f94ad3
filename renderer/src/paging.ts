/**
 * Page sizes of the call table. The first page of a query only has to fill the screen, and the
 * smaller it is the sooner the service answers it and the browser draws it; the pages that follow
 * while scrolling are larger so a fast flick needs fewer requests. Plain module (no Vue, no
 * transport) so the end-to-end figures can use it too.
 */
export const FIRST_PAGE_SIZE = 100;
export const PAGE_SIZE = 500;
