<?xml version="1.0" encoding="UTF-8"?>
<!--
  header.xsl: the teiHeader as the front matter of the page: title, authors
  and editors, source citation, publication, licence, a link to the TEI
  source, the editorial note and the revision summary.

  The header's content is rendered with the ordinary templates (names link to
  the registers, titles are <cite>...), but no TEI ids are emitted for it:
  Python gives ids only to elements of the text.  What the front matter does
  not show of the header (encoding details, profileDesc, msDesc beyond its
  identifier...) stays in the TEI source.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:tei-edition:render"
  exclude-result-prefixes="tei te">

  <xsl:variable name="te:header" select="/*/tei:teiHeader"/>
  <xsl:variable name="te:titles" select="$te:header/tei:fileDesc/tei:titleStmt/tei:title"/>
  <!-- The main title: the one typed "main", else the first that is not a
       subtitle, else the first. -->
  <xsl:variable name="te:main-title" select="($te:titles[@type = 'main'][1]
      | $te:titles[not($te:titles[@type = 'main'])][not(@type = 'sub')][1]
      | $te:titles[not($te:titles[@type = 'main'] or $te:titles[not(@type = 'sub')])][1])[1]"/>

  <!-- The title as plain text, for <title>. -->
  <xsl:template name="te:plain-title">
    <xsl:variable name="text"><xsl:apply-templates select="$te:main-title" mode="te:plain"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="normalize-space($text)"><xsl:value-of select="normalize-space($text)"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$label-untitled"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="te:front-matter">
    <xsl:variable name="stmt" select="$te:header/tei:fileDesc/tei:titleStmt"/>
    <xsl:variable name="publication" select="$te:header/tei:fileDesc/tei:publicationStmt"/>
    <xsl:variable name="source" select="$te:header/tei:fileDesc/tei:sourceDesc/node()[self::* or normalize-space()]"/>
    <xsl:variable name="availability" select="$publication/tei:availability"/>
    <xsl:variable name="published" select="$publication/tei:publisher | $publication/tei:distributor
        | $publication/tei:authority | $publication/tei:pubPlace | $publication/tei:date"/>
    <xsl:variable name="editorial" select="$te:header/tei:encodingDesc/tei:projectDesc
        | $te:header/tei:encodingDesc/tei:editorialDecl | $te:header/tei:fileDesc/tei:notesStmt/tei:note"/>
    <xsl:variable name="changes" select="$te:header/tei:revisionDesc//tei:change"/>
    <header class="te-front-matter">
      <h1>
        <xsl:for-each select="$te:main-title">
          <xsl:call-template name="te:attrs"><xsl:with-param name="class" select="'te-title'"/></xsl:call-template>
          <xsl:apply-templates/>
        </xsl:for-each>
        <xsl:if test="not(normalize-space($te:main-title))">
          <xsl:if test="not($te:main-title)"><xsl:attribute name="class">te-title</xsl:attribute></xsl:if>
          <xsl:value-of select="$label-untitled"/>
        </xsl:if>
      </h1>
      <xsl:for-each select="$te:titles[count(. | $te:main-title) != 1]">
        <p>
          <xsl:call-template name="te:attrs"><xsl:with-param name="class" select="'te-subtitle'"/></xsl:call-template>
          <xsl:apply-templates/>
        </p>
      </xsl:for-each>
      <xsl:call-template name="te:people">
        <xsl:with-param name="people" select="$stmt/tei:author"/>
        <xsl:with-param name="label" select="$label-by"/>
        <xsl:with-param name="class" select="'te-authors'"/>
      </xsl:call-template>
      <xsl:call-template name="te:people">
        <xsl:with-param name="people" select="$stmt/tei:editor"/>
        <xsl:with-param name="label" select="$label-edited-by"/>
        <xsl:with-param name="class" select="'te-editors'"/>
      </xsl:call-template>
      <xsl:if test="$source or $published or $availability or $tei-source-href">
        <dl class="te-metadata">
          <xsl:if test="$source">
            <div class="te-source">
              <dt><xsl:value-of select="$label-source"/></dt>
              <xsl:for-each select="$source">
                <dd><xsl:apply-templates select="." mode="te:source"/></dd>
              </xsl:for-each>
            </div>
          </xsl:if>
          <xsl:if test="$published">
            <div class="te-publication">
              <dt><xsl:value-of select="$label-publication"/></dt>
              <dd>
                <xsl:for-each select="$published">
                  <xsl:if test="position() &gt; 1">, </xsl:if>
                  <xsl:apply-templates select="."/>
                </xsl:for-each>
              </dd>
            </div>
          </xsl:if>
          <xsl:if test="$availability">
            <div class="te-licence">
              <dt><xsl:value-of select="$label-licence"/></dt>
              <xsl:for-each select="$availability">
                <dd><xsl:apply-templates select="."/></dd>
              </xsl:for-each>
            </div>
          </xsl:if>
          <xsl:if test="$tei-source-href">
            <div class="te-tei-source">
              <dt><xsl:value-of select="$label-tei-source"/></dt>
              <dd><a href="{concat($site-root, $tei-source-href)}"><xsl:value-of select="$label-download-tei"/></a></dd>
            </div>
          </xsl:if>
        </dl>
      </xsl:if>
      <xsl:if test="$editorial">
        <details class="te-editorial-note">
          <summary><xsl:value-of select="$label-editorial-note"/></summary>
          <xsl:apply-templates select="$editorial"/>
        </details>
      </xsl:if>
      <xsl:if test="$changes">
        <details class="te-revisions">
          <summary><xsl:value-of select="$label-revisions"/></summary>
          <ul>
            <xsl:apply-templates select="$changes" mode="te:revision"/>
          </ul>
        </details>
      </xsl:if>
    </header>
  </xsl:template>

  <!-- "By A, B and C". -->
  <xsl:template name="te:people">
    <xsl:param name="people"/>
    <xsl:param name="label"/>
    <xsl:param name="class"/>
    <xsl:if test="$people">
      <p class="{$class}">
        <span class="te-label"><xsl:value-of select="$label"/></span>
        <xsl:text> </xsl:text>
        <xsl:for-each select="$people">
          <xsl:choose>
            <xsl:when test="position() = 1"/>
            <xsl:when test="position() = last()"> and </xsl:when>
            <xsl:otherwise>, </xsl:otherwise>
          </xsl:choose>
          <xsl:call-template name="te:inline"/>
        </xsl:for-each>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- The source: a bibliographic citation as it is; a manuscript by its
       identifier (place, repository, collection, shelfmark); a biblFull by
       its title, author and imprint. -->
  <xsl:template match="node()" mode="te:source">
    <xsl:apply-templates select="."/>
  </xsl:template>

  <xsl:template match="tei:msDesc" mode="te:source">
    <span>
      <xsl:call-template name="te:attrs"/>
      <xsl:for-each select="tei:msIdentifier/*[normalize-space()] | tei:head">
        <xsl:if test="position() &gt; 1">, </xsl:if>
        <xsl:apply-templates select="."/>
      </xsl:for-each>
    </span>
  </xsl:template>

  <xsl:template match="tei:biblFull" mode="te:source">
    <cite>
      <xsl:call-template name="te:attrs"/>
      <xsl:for-each select="tei:titleStmt/tei:title | tei:titleStmt/tei:author
          | tei:publicationStmt/tei:publisher | tei:publicationStmt/tei:pubPlace | tei:publicationStmt/tei:date">
        <xsl:if test="position() &gt; 1">, </xsl:if>
        <xsl:apply-templates select="."/>
      </xsl:for-each>
    </cite>
  </xsl:template>

  <!-- licence: a link when its @target is a safe URL; its text, or the URL
       when it has none. -->
  <xsl:template match="tei:licence">
    <xsl:call-template name="te:inline">
      <xsl:with-param name="class">
        <xsl:if test="@te:unsafe">te-unsafe-link</xsl:if>
      </xsl:with-param>
      <xsl:with-param name="fallback" select="@target"/>
    </xsl:call-template>
  </xsl:template>

  <!-- One change of the revision description: its date, then what it says. -->
  <xsl:template match="tei:change" mode="te:revision">
    <li>
      <xsl:call-template name="te:attrs"/>
      <xsl:variable name="when" select="normalize-space(@when)"/>
      <xsl:if test="$when">
        <xsl:choose>
          <xsl:when test="@te:datetime"><time datetime="{@te:datetime}"><xsl:value-of select="$when"/></time></xsl:when>
          <xsl:otherwise><span class="te-date"><xsl:value-of select="$when"/></span></xsl:otherwise>
        </xsl:choose>
        <xsl:text>: </xsl:text>
      </xsl:if>
      <xsl:apply-templates select="node()[not(self::tei:change or self::tei:listChange)]"/>
    </li>
  </xsl:template>

</xsl:stylesheet>
