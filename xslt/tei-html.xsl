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
  exclude-result-prefixes="tei te">

  <xsl:include href="params.xsl"/>
  <xsl:include href="core.xsl"/>
  <xsl:include href="textstructure.xsl"/>
  <xsl:include href="names-dates.xsl"/>
  <xsl:include href="transcription.xsl"/>
  <xsl:include href="header.xsl"/>

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

  <xsl:template match="/">
    <html lang="{$te:page-lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <xsl:if test="normalize-space($csp)">
          <meta http-equiv="Content-Security-Policy" content="{normalize-space($csp)}"/>
        </xsl:if>
        <title>
          <xsl:call-template name="te:plain-title"/>
          <xsl:value-of select="$page-title-suffix"/>
        </title>
        <xsl:if test="normalize-space($css-href)">
          <link rel="stylesheet" href="{concat($site-root, normalize-space($css-href))}"/>
        </xsl:if>
      </head>
      <body class="te-page">
        <a class="te-skip-link" href="#te-main"><xsl:value-of select="$label-skip"/></a>
        <xsl:call-template name="te:site-navigation"/>
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
      </body>
    </html>
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

  <!-- Links to the home page and the register pages, when given. -->
  <xsl:template name="te:site-navigation">
    <xsl:if test="normalize-space(concat($home-href, $persons-page, $places-page, $orgs-page, $works-page))">
      <header class="te-site-header">
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
          </ul>
        </nav>
      </header>
    </xsl:if>
  </xsl:template>

  <xsl:template name="te:nav-link">
    <xsl:param name="href"/>
    <xsl:param name="label"/>
    <xsl:if test="normalize-space($href)">
      <li><a href="{concat($site-root, normalize-space($href))}"><xsl:value-of select="$label"/></a></li>
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
