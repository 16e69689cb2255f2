<?xml version="1.0" encoding="UTF-8"?>
<!--
  site-pages.xsl: the site build's own pages (home, register pages,
  chronology, map, search) in the page shell of the text pages.

  tei_edition/site_pages.py describes each page as a small XML document in
  the namespace urn:tei-edition:site (prefix site) and renders it with the
  same stylesheet as the texts (tei-html.xsl includes this module), so a
  project's customisation that imports tei-html.xsl changes both, and every
  word shown is a label-* parameter of params.xsl.  Python has worked out
  everything (links, anchors, counts, order); this module only lays it out.

    site:page  @kind (home, register, chronology, map, search), @name (which
               page: persons, places ... chronology, map, search; its label
               is the h1 and the <title>) or @title (the home page's: the
               edition's title), @indexed="yes" (marked for the search
               index); children:
      site:head      HTML elements for <head> (the search page's CSS)
      site:html      HTML (or SVG) elements shown as they are (the map, the
                     search box)
      site:intro     an introductory paragraph: @kind (chronology, map)
                     picks its label, else its own text
      site:publisher the home page's publisher line
      site:texts/site:text   the home page's list of texts: @href, @tei;
                     site:title, site:author*, site:date, site:source
      site:sections/site:section   @kind, @href, @count: registers and tools
      site:downloads/site:download  @kind; site:file @href @format;
                     site:sources/site:file @href, text: the TEI sources
      site:register  @count; site:letters/site:letter @href; site:group
                     @id @letter; site:entry @id @count @kind (see below)
      site:dates     @count; site:years/site:year @href; site:date
      site:places    places without coordinates: site:place @href, text

  A site:entry holds site:label, site:type, site:name (@lang, @type),
  site:dating (@role birth, death or event; TEI dating attributes; its text
  is the TEI's wording), site:coordinates (@lat @lon @map), site:citation
  and site:note (TEI content, rendered by the TEI templates),
  site:authority (@href, @name, text), site:mentions (@count) with
  site:in (@href, @title, @where: text, header or register) holding
  site:mention (@href, text).

  Element and attribute values reach the page only through xsl:value-of
  and attribute value templates: the serialiser escapes them.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:tei-edition:render"
  xmlns:site="urn:tei-edition:site"
  exclude-result-prefixes="tei te site">

  <xsl:template match="site:page">
    <xsl:variable name="title">
      <xsl:choose>
        <xsl:when test="@title"><xsl:value-of select="@title"/></xsl:when>
        <xsl:otherwise><xsl:call-template name="te:site-kind-label"><xsl:with-param name="kind" select="@name"/></xsl:call-template></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <html lang="{$te:page-lang}">
      <head>
        <xsl:call-template name="te:head-start"/>
        <title>
          <xsl:value-of select="$title"/>
          <xsl:if test="@kind != 'home'"><xsl:value-of select="$page-title-suffix"/></xsl:if>
        </title>
        <xsl:call-template name="te:head-links"/>
        <xsl:apply-templates select="site:head/*" mode="site:copy"/>
      </head>
      <body class="te-page te-site-page">
        <xsl:call-template name="te:page-top"/>
        <main id="te-main" class="te-{@kind}-page">
          <xsl:if test="$pagefind = 'yes' and @indexed = 'yes'">
            <xsl:attribute name="data-pagefind-body"/>
          </xsl:if>
          <h1><xsl:value-of select="$title"/></h1>
          <xsl:apply-templates select="*[not(self::site:head)]"/>
          <xsl:call-template name="te:footnotes"/>
        </main>
        <xsl:call-template name="te:site-footer"/>
      </body>
    </html>
  </xsl:template>

  <!-- HTML and SVG made by Python (mapping.py, search.py): copied without
       the namespace declarations of this document. -->
  <xsl:template match="site:html">
    <xsl:apply-templates select="*" mode="site:copy"/>
  </xsl:template>
  <xsl:template match="*" mode="site:copy">
    <xsl:element name="{local-name()}" namespace="{namespace-uri()}">
      <xsl:for-each select="@*[namespace-uri() = '']">
        <xsl:attribute name="{local-name()}"><xsl:value-of select="."/></xsl:attribute>
      </xsl:for-each>
      <xsl:apply-templates mode="site:copy"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="text()" mode="site:copy"><xsl:value-of select="."/></xsl:template>
  <xsl:template match="comment() | processing-instruction()" mode="site:copy"/>

  <xsl:template match="site:intro">
    <p class="te-intro">
      <xsl:choose>
        <xsl:when test="@kind = 'chronology'"><xsl:value-of select="$label-chronology-intro"/></xsl:when>
        <xsl:when test="@kind = 'map'"><xsl:value-of select="$label-map-intro"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <xsl:template match="site:publisher">
    <p class="te-intro"><xsl:value-of select="concat($label-published-by, ' ', .)"/></p>
  </xsl:template>

  <!-- The word for a kind of register or site page. -->
  <xsl:template name="te:site-kind-label">
    <xsl:param name="kind" select="@kind"/>
    <xsl:choose>
      <xsl:when test="$kind = 'persons'"><xsl:value-of select="$label-persons"/></xsl:when>
      <xsl:when test="$kind = 'places'"><xsl:value-of select="$label-places"/></xsl:when>
      <xsl:when test="$kind = 'orgs'"><xsl:value-of select="$label-orgs"/></xsl:when>
      <xsl:when test="$kind = 'works'"><xsl:value-of select="$label-works"/></xsl:when>
      <xsl:when test="$kind = 'events'"><xsl:value-of select="$label-events"/></xsl:when>
      <xsl:when test="$kind = 'chronology' or $kind = 'dates'"><xsl:value-of select="$label-chronology"/></xsl:when>
      <xsl:when test="$kind = 'map'"><xsl:value-of select="$label-map"/></xsl:when>
      <xsl:when test="$kind = 'search'"><xsl:value-of select="$label-search"/></xsl:when>
      <xsl:when test="$kind = 'all'"><xsl:value-of select="$label-all-registers"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$kind"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================
       Home page
       ================================================================ -->

  <xsl:template match="site:texts">
    <section class="te-home-texts" aria-labelledby="te-texts-title">
      <h2 id="te-texts-title"><xsl:value-of select="$label-texts"/></h2>
      <ol class="te-text-list">
        <xsl:apply-templates select="site:text"/>
      </ol>
    </section>
  </xsl:template>

  <xsl:template match="site:text">
    <li>
      <p class="te-text-title"><a href="{@href}"><xsl:value-of select="site:title"/></a></p>
      <xsl:if test="site:author or site:date">
        <p class="te-text-meta">
          <xsl:for-each select="site:author">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <xsl:value-of select="."/>
          </xsl:for-each>
          <xsl:if test="site:author and site:date"> · </xsl:if>
          <xsl:value-of select="site:date"/>
        </p>
      </xsl:if>
      <xsl:if test="normalize-space(site:source)">
        <p class="te-text-source">
          <span class="te-label"><xsl:value-of select="$label-source"/>: </span>
          <xsl:value-of select="site:source"/>
        </p>
      </xsl:if>
    </li>
  </xsl:template>

  <xsl:template match="site:sections">
    <section class="te-home-sections" aria-labelledby="te-sections-title">
      <h2 id="te-sections-title"><xsl:value-of select="$label-registers"/></h2>
      <ul class="te-section-list">
        <xsl:for-each select="site:section">
          <li>
            <a href="{@href}"><xsl:call-template name="te:site-kind-label"/></a>
            <xsl:text> </xsl:text>
            <span class="te-count">
              <xsl:choose>
                <xsl:when test="@kind = 'chronology'"><xsl:value-of select="concat(@count, ' ', $label-dates)"/></xsl:when>
                <xsl:when test="@kind = 'map'"><xsl:value-of select="concat(@count, ' ', $label-places-on-map)"/></xsl:when>
                <xsl:when test="@kind = 'search'"><xsl:value-of select="$label-search-hint"/></xsl:when>
                <xsl:when test="@count = 1"><xsl:value-of select="concat(@count, ' ', $label-one-entry)"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="concat(@count, ' ', $label-entries)"/></xsl:otherwise>
              </xsl:choose>
            </span>
          </li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:template>

  <xsl:template match="site:downloads">
    <section class="te-home-downloads" id="te-downloads" aria-labelledby="te-downloads-title">
      <h2 id="te-downloads-title"><xsl:value-of select="$label-downloads"/></h2>
      <p><xsl:value-of select="$label-downloads-intro"/></p>
      <table class="te-download-table">
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select="$label-register"/></th>
            <th scope="col"><xsl:value-of select="$label-downloads"/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="site:download">
            <xsl:variable name="name"><xsl:call-template name="te:site-kind-label"/></xsl:variable>
            <tr>
              <th scope="row"><xsl:value-of select="$name"/></th>
              <td>
                <xsl:for-each select="site:file">
                  <xsl:if test="position() &gt; 1"> · </xsl:if>
                  <a href="{@href}">
                    <xsl:value-of select="@format"/>
                    <span class="te-visually-hidden"><xsl:value-of select="concat(' (', $name, ')')"/></span>
                  </a>
                </xsl:for-each>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      <xsl:if test="site:sources/site:file">
        <h3><xsl:value-of select="$label-tei-sources"/></h3>
        <ul class="te-source-list">
          <xsl:for-each select="site:sources/site:file">
            <li><a href="{@href}"><xsl:value-of select="."/></a></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- ================================================================
       Register pages
       ================================================================ -->

  <xsl:template match="site:register">
    <p class="te-register-count">
      <xsl:value-of select="@count"/>
      <xsl:text> </xsl:text>
      <xsl:choose>
        <xsl:when test="@count = 1"><xsl:value-of select="$label-one-entry"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$label-entries"/></xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:apply-templates select="site:letters"/>
    <xsl:apply-templates select="site:group | site:entry"/>
  </xsl:template>

  <!-- Jump links: letters of a register, years of the chronology. -->
  <xsl:template match="site:letters | site:years">
    <nav class="te-jump" data-pagefind-ignore="">
      <xsl:attribute name="aria-label">
        <xsl:choose>
          <xsl:when test="self::site:letters"><xsl:value-of select="$label-letters"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$label-years"/></xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <ul>
        <xsl:for-each select="*">
          <li><a href="{@href}"><xsl:value-of select="."/></a></li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:template>

  <xsl:template match="site:group">
    <section class="te-letter" aria-labelledby="{@id}">
      <h2 id="{@id}" class="te-letter-heading"><xsl:value-of select="@letter"/></h2>
      <xsl:apply-templates select="site:entry">
        <xsl:with-param name="level" select="3"/>
      </xsl:apply-templates>
    </section>
  </xsl:template>

  <xsl:template match="site:entry">
    <xsl:param name="level" select="2"/>
    <section class="te-entry te-entry-{@kind}">
      <xsl:element name="h{$level}">
        <xsl:attribute name="id"><xsl:value-of select="@id"/></xsl:attribute>
        <xsl:attribute name="class">te-entry-label</xsl:attribute>
        <xsl:value-of select="site:label"/>
      </xsl:element>
      <xsl:if test="site:type or site:dating">
        <p class="te-entry-facts">
          <xsl:if test="site:type">
            <span class="te-entry-type"><xsl:value-of select="site:type"/></span>
            <xsl:if test="site:dating"> · </xsl:if>
          </xsl:if>
          <xsl:for-each select="site:dating">
            <xsl:if test="position() &gt; 1">; </xsl:if>
            <span class="te-label">
              <xsl:choose>
                <xsl:when test="@role = 'birth'"><xsl:value-of select="$label-born"/></xsl:when>
                <xsl:when test="@role = 'death'"><xsl:value-of select="$label-died"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="$label-date"/></xsl:otherwise>
              </xsl:choose>
            </span>
            <xsl:text> </xsl:text>
            <xsl:call-template name="te:site-dating"/>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:if test="site:name">
        <p class="te-entry-names">
          <span class="te-label"><xsl:value-of select="$label-other-names"/>: </span>
          <xsl:for-each select="site:name">
            <xsl:if test="position() &gt; 1">; </xsl:if>
            <span>
              <xsl:if test="@lang"><xsl:attribute name="lang"><xsl:value-of select="@lang"/></xsl:attribute></xsl:if>
              <xsl:value-of select="."/>
            </span>
            <xsl:if test="@type"><span class="te-name-type"><xsl:value-of select="concat(' (', @type, ')')"/></span></xsl:if>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:apply-templates select="site:coordinates"/>
      <xsl:for-each select="site:citation">
        <div class="te-entry-citation"><xsl:apply-templates/></div>
      </xsl:for-each>
      <xsl:for-each select="site:note">
        <div class="te-entry-note"><xsl:apply-templates/></div>
      </xsl:for-each>
      <xsl:if test="site:authority">
        <p class="te-entry-authorities">
          <span class="te-label"><xsl:value-of select="$label-authorities"/>: </span>
          <xsl:for-each select="site:authority">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <xsl:choose>
              <xsl:when test="@href">
                <a class="te-authority" href="{@href}"><xsl:value-of select="concat(@name, ' ', .)"/></a>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="normalize-space(concat(@name, ' ', .))"/></xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:apply-templates select="site:mentions"/>
    </section>
  </xsl:template>

  <xsl:template match="site:coordinates">
    <p class="te-entry-coordinates">
      <span class="te-label"><xsl:value-of select="$label-coordinates"/>: </span>
      <xsl:value-of select="concat(@lat, ', ', @lon)"/>
      <xsl:if test="@map">
        <xsl:text> · </xsl:text>
        <a href="{@map}"><xsl:value-of select="$label-on-the-map"/></a>
      </xsl:if>
    </p>
  </xsl:template>

  <xsl:template match="site:mentions">
    <div class="te-entry-mentions" data-pagefind-ignore="">
      <xsl:choose>
        <xsl:when test="@count = 0">
          <p class="te-mention-count"><xsl:value-of select="$label-no-mentions"/></p>
        </xsl:when>
        <xsl:otherwise>
          <p class="te-mention-count">
            <xsl:value-of select="@count"/>
            <xsl:text> </xsl:text>
            <xsl:choose>
              <xsl:when test="@count = 1"><xsl:value-of select="$label-mention"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$label-mentions"/></xsl:otherwise>
            </xsl:choose>
          </p>
          <ul class="te-mention-list">
            <xsl:for-each select="site:in">
              <li>
                <xsl:choose>
                  <xsl:when test="@href"><a class="te-mention-source" href="{@href}"><xsl:value-of select="@title"/></a></xsl:when>
                  <xsl:otherwise><span class="te-mention-source"><xsl:value-of select="@title"/></span></xsl:otherwise>
                </xsl:choose>
                <xsl:choose>
                  <xsl:when test="@where = 'register'"><xsl:value-of select="concat(' (', $label-in-registers, ')')"/></xsl:when>
                  <xsl:when test="@where = 'header'"><xsl:value-of select="concat(' (', $label-in-header, ')')"/></xsl:when>
                </xsl:choose>
                <xsl:if test="site:mention">
                  <xsl:text>: </xsl:text>
                  <xsl:for-each select="site:mention">
                    <xsl:if test="position() &gt; 1">, </xsl:if>
                    <xsl:choose>
                      <xsl:when test="@href"><a class="te-mention" href="{@href}"><xsl:value-of select="."/></a></xsl:when>
                      <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
                    </xsl:choose>
                  </xsl:for-each>
                </xsl:if>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>

  <!-- ================================================================
       Dates: a <time> when HTML can say it, worded from the dating
       attributes unless the TEI has words of its own
       ================================================================ -->

  <xsl:template name="te:site-dating">
    <xsl:param name="wording" select="normalize-space(.)"/>
    <xsl:variable name="words">
      <xsl:choose>
        <xsl:when test="$wording"><xsl:value-of select="$wording"/></xsl:when>
        <xsl:otherwise><xsl:call-template name="te:site-normalised"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="@te:datetime"><time datetime="{@te:datetime}"><xsl:value-of select="$words"/></time></xsl:when>
      <xsl:otherwise><span class="te-date"><xsl:value-of select="$words"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The normalised reading: 1950-06-25; 1950 – 1953; between 1939 and
       1940; not before 1994-06 ... -->
  <xsl:template name="te:site-normalised">
    <xsl:variable name="from" select="(@from | @notBefore)[1]"/>
    <xsl:variable name="to" select="(@to | @notAfter)[1]"/>
    <xsl:choose>
      <xsl:when test="@when"><xsl:call-template name="te:site-value"><xsl:with-param name="value" select="@when"/></xsl:call-template></xsl:when>
      <xsl:when test="@from and @to">
        <xsl:call-template name="te:site-value"><xsl:with-param name="value" select="@from"/></xsl:call-template>
        <xsl:text> – </xsl:text>
        <xsl:call-template name="te:site-value"><xsl:with-param name="value" select="@to"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@notBefore and @notAfter">
        <xsl:value-of select="concat($label-between, ' ')"/>
        <xsl:call-template name="te:site-value"><xsl:with-param name="value" select="@notBefore"/></xsl:call-template>
        <xsl:value-of select="concat(' ', $label-and, ' ')"/>
        <xsl:call-template name="te:site-value"><xsl:with-param name="value" select="@notAfter"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="$from">
        <xsl:choose>
          <xsl:when test="@from"><xsl:value-of select="concat($label-from, ' ')"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="concat($label-not-before, ' ')"/></xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="te:site-value"><xsl:with-param name="value" select="$from"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="$to">
        <xsl:choose>
          <xsl:when test="@to"><xsl:value-of select="concat($label-to, ' ')"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="concat($label-not-after, ' ')"/></xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="te:site-value"><xsl:with-param name="value" select="$to"/></xsl:call-template>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- One W3C value; a negative (astronomical) year is also given as BCE:
       -0043 is 44 BCE. -->
  <xsl:template name="te:site-value">
    <xsl:param name="value"/>
    <xsl:value-of select="$value"/>
    <xsl:if test="starts-with($value, '-') and not(starts-with($value, '--'))">
      <xsl:variable name="year" select="substring-before(concat(substring($value, 2), '-'), '-')"/>
      <xsl:value-of select="concat(' (', number($year) + 1, ' ', $label-bce, ')')"/>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================
       Chronology
       ================================================================ -->

  <xsl:template match="site:dates">
    <xsl:apply-templates select="site:years"/>
    <table class="te-chronology">
      <thead>
        <tr>
          <th scope="col"><xsl:value-of select="$label-date"/></th>
          <th scope="col"><xsl:value-of select="$label-as-written"/></th>
          <th scope="col"><xsl:value-of select="$label-where"/></th>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="site:date">
          <tr>
            <xsl:if test="@year-id"><xsl:attribute name="id"><xsl:value-of select="@year-id"/></xsl:attribute></xsl:if>
            <td class="te-chronology-date"><xsl:call-template name="te:site-dating"><xsl:with-param name="wording" select="''"/></xsl:call-template></td>
            <td><xsl:value-of select="normalize-space(.)"/></td>
            <td>
              <xsl:choose>
                <xsl:when test="@href"><a href="{@href}"><xsl:value-of select="@title"/></a></xsl:when>
                <xsl:otherwise><xsl:value-of select="@title"/></xsl:otherwise>
              </xsl:choose>
              <xsl:choose>
                <xsl:when test="@where = 'header'">
                  <span class="te-chronology-detail"><xsl:value-of select="concat(' (', $label-in-header, ')')"/></span>
                </xsl:when>
                <xsl:when test="@where = 'register'">
                  <span class="te-chronology-detail">
                    <xsl:text> (</xsl:text>
                    <xsl:call-template name="te:site-kind-label"/>
                    <xsl:choose>
                      <xsl:when test="@role = 'birth'"><xsl:value-of select="concat(', ', $label-born)"/></xsl:when>
                      <xsl:when test="@role = 'death'"><xsl:value-of select="concat(', ', $label-died)"/></xsl:when>
                    </xsl:choose>
                    <xsl:text>)</xsl:text>
                  </span>
                </xsl:when>
              </xsl:choose>
            </td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <!-- ================================================================
       Map: the places that could not be drawn
       ================================================================ -->

  <xsl:template match="site:places">
    <section class="te-unmapped" aria-labelledby="te-unmapped-title">
      <h2 id="te-unmapped-title"><xsl:value-of select="$label-without-coordinates"/></h2>
      <ul>
        <xsl:for-each select="site:place">
          <li><a href="{@href}"><xsl:value-of select="."/></a></li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:template>

</xsl:stylesheet>
