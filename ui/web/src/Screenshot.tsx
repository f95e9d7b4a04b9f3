import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { fetchBlob } from "./api";
import type { FileRef } from "./model";

const IMAGE = /\.(png|jpe?g|webp)$/i;

/** Whether a file is shown inline: PNG, JPEG or WebP screenshots. */
export function isImage(file: FileRef): boolean {
  return IMAGE.test(file.name);
}

/**
 * A screenshot fetched with the token (an <img src> could not send it) and shown as a blob: URL,
 * which the Content-Security-Policy allows for images only; the URL is revoked when it goes.
 */
export function Screenshot(props: { file: FileRef }) {
  const image = useQuery({
    queryKey: ["file", props.file.id],
    queryFn: async () => URL.createObjectURL(await fetchBlob(props.file.url)),
    staleTime: Infinity,
    gcTime: 0,
  });
  const url = image.data;
  useEffect(
    () => () => {
      if (url) {
        URL.revokeObjectURL(url);
      }
    },
    [url],
  );
  if (image.error) {
    return <p className="error">{props.file.name}: {image.error.message}</p>;
  }
  return url ? (
    <figure>
      <img src={url} alt={`Screenshot ${props.file.name}`} className="screenshot" />
      <figcaption>{props.file.name}</figcaption>
    </figure>
  ) : (
    <p>Loading {props.file.name}…</p>
  );
}
