<?xml version="1.0" encoding="UTF-8"?>
<!--
  tei-html.xsl: one TEI document to one HTML5 page (XSLT 1.0).

  Run it through tei_edition.rendering.render_document(), not on its own:
  Python prepares the TEI first and serialises the result (see below).

  Modules, all included (one import precedence, so a customisation that
  imports this file overrides any template of any module):
    params.xsl         every xsl:param, documented
    core.xsl           helpers; phrase level, quotation, lists, tables,
                       figures, breaks, pointers, notes
    textstructure.xsl  text, front, body, back, div, head; table of contents
    names-dates.xsl    names and dates
    transcription.xsl  choice, app, sic/corr, add/del, gap, supplied ...
    header.xsl         the teiHeader as front matter
    site-pages.xsl     the site build's own pages (registers, chronology,
                       map, home, search), from small site:page documents

  What Python adds to the TEI.  render_document() works on a copy of the
  document and annotates it with attributes (and a few elements) in the
  namespace urn:tei-edition:render (prefix te), because XSLT 1.0 is bad at
  tokenising, URL checking, counting across a large document and looking up
  registers:
    @te:class     "tei-<localname>", plus for each token of @type, @rend and
                  @place the same class, two hyphens and the token (as in
                  tei-hi then two hyphens then italic), sanitised; left out
                  when it would be just "tei-<localname>" of a plain name,
                  which te:attrs then writes itself
    @te:rend      lower-case tokens of @rend, @style and the CSS of the
                  rendition elements @rendition points to, between spaces
    @te:lang      xml:lang, when it is a well-formed language tag
    @te:id        the HTML id: xml:id (sanitised, first one wins), or
                  generated for notes (fn-N), pages (page-N), divisions with
                  a head (div-N); only for elements inside text
    @te:href      where the element links to: a register entry (from the
                  register_links the caller gave), "#id" for an element of
                  this text, or a URL whose scheme is http, https or mailto
                  or a relative one; never anything else
    @te:title     the register entry's label, when the caller gave one
    @te:unsafe    "yes" when a URL was refused (it is shown as text)
    @te:src       graphic/@url when it is a local relative path
    te:target     one child element per resolved target when a pointer has
                  several (@href, @title, @token)
    @te:n, @te:ref-id   a note's number in the text and the id of its
                  marker in the running text
    @te:line-start  "yes" on an lb that comes before any text of its parent
    @te:datetime  the HTML datetime of a dated element (@when, else the
                  start of a range), only when valid; @te:date-range="yes"
                  for a range
  Python also serialises the result itself (HTML5 syntax, UTF-8, with
  <!DOCTYPE html>), so xsl:output below only matters elsewhere, and checks
  the result: no style or on* attribute, no unsafe URL survives even a
  customisation.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:tei-edition:render"
  xmlns:site="urn:tei-edition:site"
  exclude-result-prefixes="tei te site">

  <xsl:include href="params.xsl"/>
  <xsl:include href="core.xsl"/>
  <xsl:include href="textstructure.xsl"/>
  <xsl:include href="names-dates.xsl"/>
  <xsl:include href="transcription.xsl"/>
  <xsl:include href="header.xsl"/>
  <xsl:include href="site-pages.xsl"/>

  <!-- method="xml": libxslt's html method would add a second charset meta. -->
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <!-- The page's language: the parameter, else the TEI's, else the default. -->
  <xsl:variable name="te:page-lang">
    <xsl:choose>
      <xsl:when test="normalize-space($lang)"><xsl:value-of select="normalize-space($lang)"/></xsl:when>
      <xsl:when test="/*/@te:lang"><xsl:value-of select="/*/@te:lang"/></xsl:when>
      <xsl:when test="(//tei:text)[1]/@te:lang"><xsl:value-of select="(//tei:text)[1]/@te:lang"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$default-lang"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <!-- A TEI document becomes a text page; the small site:page documents of
       the site build (register pages, chronology, map, home, search) are
       rendered by site-pages.xsl in the same page shell. -->
  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="site:page"><xsl:apply-templates select="site:page"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="te:text-page"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="te:text-page">
    <html lang="{$te:page-lang}">
      <head>
        <xsl:call-template name="te:head-start"/>
        <title>
          <xsl:call-template name="te:plain-title"/>
          <xsl:value-of select="$page-title-suffix"/>
        </title>
        <xsl:call-template name="te:head-links"/>
      </head>
      <body class="te-page">
        <xsl:call-template name="te:page-top"/>
        <main id="te-main">
          <xsl:if test="$pagefind = 'yes'">
            <xsl:attribute name="data-pagefind-body"/>
          </xsl:if>
          <article class="te-document">
            <xsl:call-template name="te:front-matter"/>
            <xsl:call-template name="te:toc"/>
            <xsl:apply-templates select="/*" mode="te:document"/>
            <xsl:call-template name="te:footnotes"/>
          </article>
        </main>
        <xsl:call-template name="te:site-footer"/>
      </body>
    </html>
  </xsl:template>

  <!-- The page shell, shared by text pages and site pages: the start of
       <head> (charset, viewport, the Content-Security-Policy before anything
       is loaded), the stylesheet and icon links, the skip link and site
       navigation, and the footer. -->
  <xsl:template name="te:head-start">
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1"/>
    <xsl:if test="normalize-space($csp)">
      <meta http-equiv="Content-Security-Policy" content="{normalize-space($csp)}"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="te:head-links">
    <xsl:if test="normalize-space($css-href)">
      <link rel="stylesheet" href="{concat($site-root, normalize-space($css-href))}"/>
    </xsl:if>
    <xsl:if test="normalize-space($icon-href)">
      <link rel="icon" href="{concat($site-root, normalize-space($icon-href))}"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="te:page-top">
    <a class="te-skip-link" href="#te-main"><xsl:value-of select="$label-skip"/></a>
    <xsl:call-template name="te:site-navigation"/>
  </xsl:template>

  <!-- The running text of the document: each text of a TEI (or of every
       TEI of a teiCorpus); anything else is rendered as it comes. -->
  <xsl:template match="tei:TEI" mode="te:document">
    <xsl:apply-templates select="tei:text"/>
  </xsl:template>
  <xsl:template match="tei:teiCorpus" mode="te:document">
    <xsl:apply-templates select="tei:TEI | tei:teiCorpus" mode="te:document"/>
  </xsl:template>
  <xsl:template match="*" mode="te:document">
    <xsl:apply-templates select="."/>
  </xsl:template>

  <!-- The edition's title (when site-title is given) and links to the home
       page, the register pages and the other site pages, when given. -->
  <xsl:template name="te:site-navigation">
    <xsl:if test="normalize-space(concat($site-title, $home-href, $persons-page, $places-page, $orgs-page, $works-page,
        $events-page, $chronology-page, $map-page, $search-page))">
      <header class="te-site-header">
        <!-- The title, linked home; not on the home page, whose h1 it is. -->
        <xsl:if test="normalize-space($site-title) and not(normalize-space($home-href) and $current-page = normalize-space($home-href))">
          <p class="te-site-title">
            <xsl:choose>
              <xsl:when test="normalize-space($home-href)">
                <a href="{concat($site-root, normalize-space($home-href))}"><xsl:value-of select="$site-title"/></a>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$site-title"/></xsl:otherwise>
            </xsl:choose>
          </p>
        </xsl:if>
        <nav class="te-site-navigation" aria-label="{$label-site-navigation}">
          <ul>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$home-href"/>
              <xsl:with-param name="label" select="$label-home"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$persons-page"/>
              <xsl:with-param name="label" select="$label-persons"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$places-page"/>
              <xsl:with-param name="label" select="$label-places"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$orgs-page"/>
              <xsl:with-param name="label" select="$label-orgs"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$works-page"/>
              <xsl:with-param name="label" select="$label-works"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$events-page"/>
              <xsl:with-param name="label" select="$label-events"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$chronology-page"/>
              <xsl:with-param name="label" select="$label-chronology"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$map-page"/>
              <xsl:with-param name="label" select="$label-map"/>
            </xsl:call-template>
            <xsl:call-template name="te:nav-link">
              <xsl:with-param name="href" select="$search-page"/>
              <xsl:with-param name="label" select="$label-search"/>
            </xsl:call-template>
          </ul>
        </nav>
      </header>
    </xsl:if>
  </xsl:template>

  <!-- One link of the navigation; the current page is marked, not linked
       to itself. -->
  <xsl:template name="te:nav-link">
    <xsl:param name="href"/>
    <xsl:param name="label"/>
    <xsl:if test="normalize-space($href)">
      <li>
        <a href="{concat($site-root, normalize-space($href))}">
          <xsl:if test="normalize-space($href) = $current-page">
            <xsl:attribute name="aria-current">page</xsl:attribute>
          </xsl:if>
          <xsl:value-of select="$label"/>
        </a>
      </li>
    </xsl:if>
  </xsl:template>

  <!-- The footer of a site page: the edition's title, where its data is,
       what built it (and when, if built-on is given).  Only with a
       site-title. -->
  <xsl:template name="te:site-footer">
    <xsl:if test="normalize-space($site-title)">
      <footer class="te-site-footer">
        <p>
          <xsl:value-of select="$site-title"/>
          <xsl:if test="normalize-space($downloads-href)">
            <xsl:text> · </xsl:text>
            <a href="{concat($site-root, normalize-space($downloads-href))}"><xsl:value-of select="$label-downloads"/></a>
          </xsl:if>
          <xsl:text> · </xsl:text>
          <xsl:value-of select="$label-built-with"/>
          <xsl:if test="normalize-space($built-on)">
            <xsl:text>, </xsl:text>
            <time datetime="{normalize-space($built-on)}"><xsl:value-of select="normalize-space($built-on)"/></time>
          </xsl:if>
        </p>
      </footer>
    </xsl:if>
  </xsl:template>

  <!-- The notes of the text, numbered, each linking back to its marker. -->
  <xsl:template name="te:footnotes">
    <xsl:variable name="notes" select="//tei:note[@te:n]"/>
    <xsl:if test="$notes">
      <section class="te-notes" id="te-notes" aria-labelledby="te-notes-title" role="doc-endnotes">
        <h2 id="te-notes-title"><xsl:value-of select="$label-notes"/></h2>
        <ol class="te-note-list">
          <xsl:apply-templates select="$notes" mode="te:footnote"/>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
