/*
 * assets: the page's template, style and script, compiled in from
 * src/viewer/assets by cmake/embed_assets.cmake (the generated
 * viewer_assets.c). Each array ends with a NUL not counted in its _len.
 */
#ifndef NETSIM_VIEWER_ASSETS_H
#define NETSIM_VIEWER_ASSETS_H

#include <stddef.h>

extern const unsigned char viewer_asset_view_html[];
extern const size_t viewer_asset_view_html_len;
extern const unsigned char viewer_asset_view_css[];
extern const size_t viewer_asset_view_css_len;
extern const unsigned char viewer_asset_view_js[];
extern const size_t viewer_asset_view_js_len;

#endif
